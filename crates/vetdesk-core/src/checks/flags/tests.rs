use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::*;
use crate::checks::iprange::IpRangeEntry;
use crate::checks::phone::{VoipList, VoipRule};
use crate::verification::{
    DocumentFields, EVerifyFields, InterviewFields, MismatchAgency, PaymentFields, ReferenceFields,
    VendorAuditStatus,
};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// A US passport's MRZ (TD3) with correct check digits; dates as YYYY-MM-DD.
fn td3(number: &str, surname: &str, given: &str, birth: &str, expiry: &str) -> String {
    mrz::compose_td3(&mrz::Td3Data {
        document_code: "P".into(),
        issuing_state: "USA".into(),
        surname: surname.into(),
        given_names: given.into(),
        document_number: number.into(),
        nationality: "USA".into(),
        birth_date: day(birth),
        sex: mrz::Sex::Female,
        expiry_date: day(expiry),
        personal_number: String::new(),
    })
    .unwrap()
}

const PASSPORT: &str = "X12345678";
const CANDIDATE: i64 = 1;

fn document(id: i64, kind: DocumentKind, number: &str, mrz: Option<String>) -> IdentityDocument {
    IdentityDocument {
        id,
        case_id: 1,
        fields: DocumentFields {
            kind,
            issuing_country: "USA".into(),
            number: number.into(),
            holder_name: "Anna Maria Eriksson".into(),
            birth_date: Some(day("1990-04-12")),
            expiry_date: Some(day("2031-05-01")),
            mrz,
            front_evidence: Some(10 + id),
            back_evidence: None,
            note: None,
        },
        recorded_by: "rita".into(),
        recorded_at: at("2026-10-01T10:00:00.000Z"),
        updated_at: at("2026-10-01T10:00:00.000Z"),
    }
}

fn interview(id: i64, started: &str) -> Interview {
    Interview {
        id,
        case_id: 1,
        fields: InterviewFields {
            held_on: at(started).date(),
            started_at: Some(at(started)),
            interviewer: "rita".into(),
            camera_on_throughout: true,
            refused_video: false,
            audio_only: false,
            id_match: IdMatch::Yes,
            liveness_done: true,
            location_consistent: Some(true),
            screenshots: vec![30 + id],
            note: None,
        },
        recorded_by: "rita".into(),
        recorded_at: at(started),
    }
}

fn reference(id: i64, email: &str, company: Option<&str>) -> Reference {
    Reference {
        id,
        case_id: 1,
        fields: ReferenceFields {
            name: format!("Reference {id}"),
            email: Some(email.into()),
            phone: None,
            relationship: "former manager".into(),
            company: company.map(str::to_string),
            note: None,
        },
        recorded_by: "rita".into(),
        recorded_at: at("2026-10-02T10:00:00.000Z"),
        updated_at: at("2026-10-02T10:00:00.000Z"),
    }
}

fn payment(id: i64, hash: char, when: &str) -> PaymentRecord {
    PaymentRecord {
        id,
        case_id: 1,
        fields: PaymentFields {
            bank_name: None,
            account_holder: None,
            routing_masked: "•••••0021".into(),
            account_masked: format!("••••{}", 1000 + id),
            account_hash: hash.to_string().repeat(64),
            note: None,
        },
        recorded_by: "rita".into(),
        recorded_at: at(when),
    }
}

fn range(cidr: &str, category: &str, label: &str) -> IpRangeEntry {
    IpRangeEntry {
        cidr: cidr.parse().unwrap(),
        category: category.parse().unwrap(),
        label: label.into(),
        list: "test-list".into(),
    }
}

fn ip(text: &str, matches: Vec<IpRangeEntry>) -> IpFacts {
    IpFacts {
        ip: text.into(),
        sightings: vec![IpSighting {
            context: IpContext::Interview,
            seen_at: at("2026-10-05T15:00:00.000Z"),
            record: Some(1),
        }],
        matches,
    }
}

fn link(kind: LinkKind, ours: LinkRole, other: i64, theirs: LinkRole) -> LinkFact {
    LinkFact {
        kind,
        value: "+15125550100".into(),
        ours,
        our_record: ours.is_reference().then_some(1),
        other_candidate: other,
        other_name: format!("Candidate {other}"),
        theirs,
        their_record: theirs.is_reference().then_some(7),
    }
}

fn everify(status: EVerifyStatus) -> EVerifyCase {
    EVerifyCase {
        id: 1,
        case_id: 1,
        fields: EVerifyFields {
            case_number: "2026301123456AB".into(),
            created_on: day("2026-10-01"),
            status,
            agency: None,
            mismatch_on: None,
            notice_given_on: None,
            decision_recorded_on: None,
            employee_contests: None,
            referred_on: None,
            agency_contacted_on: None,
            continuance_since: None,
            followed_up_on: None,
            evidence: vec![99],
            note: None,
        },
        recorded_by: "rita".into(),
        recorded_at: at("2026-10-01T10:00:00.000Z"),
        updated_at: at("2026-10-01T10:00:00.000Z"),
    }
}

fn vendor(attested: bool, last_audit: Option<&str>, outcome: AuditOutcome) -> Option<VendorFacts> {
    let audits = last_audit
        .map(|d| VendorAudit {
            id: 1,
            vendor_id: 3,
            audited_on: day(d),
            outcome,
            note: None,
            next_due: day(d).checked_add_months(Months::new(12)).unwrap(),
            recorded_by: "cora".into(),
            recorded_at: at("2026-01-01T00:00:00.000Z"),
        })
        .into_iter()
        .collect();
    let status: VendorAuditStatus =
        vendor_audit_status(3, attested, None, audits, 12, day("2026-11-02"));
    Some(VendorFacts { name: "Acme Staffing".into(), status })
}

/// A candidate on whom nothing should be flagged.
fn clean() -> CaseFacts {
    let mut f = CaseFacts::new(day("2026-11-02"), CANDIDATE, "Anna Maria Eriksson");
    f.claimed_location = Some("Austin, TX".into());
    f.time_zone = Some("America/Chicago".into());
    f.home_address = Some("1200 Congress Ave, Austin, TX 78701".into());
    f.shipping_address = Some("1200 Congress Avenue, Austin TX 78701".into());
    f.phones = vec!["(512) 555-0100".into()];
    f.voip_list = VoipList::new(vec![VoipRule::new("+1 650 555*", "Google Voice block").unwrap()]);
    f.offer_accepted_at = Some(at("2026-10-20T10:00:00.000Z"));
    f.address_history = vec![
        AddressSet {
            role: LinkRole::HomeAddress,
            address: f.home_address.clone(),
            set_at: at("2026-09-01T10:00:00.000Z"),
        },
        AddressSet {
            role: LinkRole::HomeAddress,
            address: Some("1200 CONGRESS AVE, AUSTIN TX 78701".into()),
            set_at: at("2026-10-25T10:00:00.000Z"),
        },
    ];
    f.documents = vec![
        document(
            1,
            DocumentKind::Passport,
            PASSPORT,
            Some(td3(PASSPORT, "Eriksson", "Anna Maria", "1990-04-12", "2031-05-01")),
        ),
        IdentityDocument {
            fields: DocumentFields {
                holder_name: "ERIKSSON, ANNA".into(),
                issuing_country: "TX".into(),
                ..document(2, DocumentKind::DriverLicence, "48213370", None).fields
            },
            ..document(2, DocumentKind::DriverLicence, "48213370", None)
        },
    ];
    // 15:00 UTC is 09:00 in Austin in November.
    f.interviews = vec![interview(1, "2026-10-05T15:00:00.000Z")];
    f.references = vec![reference(1, "j.doe@initech.example", Some("Initech"))];
    f.payments = vec![payment(1, 'a', "2026-10-21T10:00:00.000Z")];
    f.ips = vec![ip("198.51.100.7", vec![range("198.51.100.0/24", "US", "Austin ISP")])];
    f.vpn_providers = vec!["m247".into()];
    f.vendor = vendor(true, Some("2026-03-01"), AuditOutcome::Satisfactory);
    f
}

type Edit = fn(&mut CaseFacts);

/// One row per real-world situation: what changes from the clean candidate, and exactly the
/// rules that must fire (no more, no fewer).
const CASES: &[(&str, Edit, &[&str])] = &[
    ("clean candidate", |_| {}, &[]),
    (
        "MRZ document number check digit altered",
        |f| {
            let z = f.documents[0].fields.mrz.clone().unwrap();
            let mut chars: Vec<char> = z.chars().collect();
            let pos = 45 + 9; // line 2, position 10
            chars[pos] = if chars[pos] == '0' { '1' } else { '0' };
            f.documents[0].fields.mrz = Some(chars.into_iter().collect());
        },
        &[MRZ_CHECK_FAILED],
    ),
    (
        "MRZ gives another date of birth than the page",
        |f| {
            f.documents[0].fields.mrz =
                Some(td3(PASSPORT, "Eriksson", "Anna Maria", "1990-04-21", "2031-05-01"));
        },
        &[MRZ_MISMATCH],
    ),
    (
        "MRZ names someone else",
        |f| {
            f.documents[0].fields.mrz =
                Some(td3(PASSPORT, "Petrov", "Ivan", "1990-04-12", "2031-05-01"));
        },
        &[MRZ_MISMATCH],
    ),
    (
        "MRZ document number differs from the page",
        |f| {
            f.documents[0].fields.mrz =
                Some(td3("X12345679", "Eriksson", "Anna Maria", "1990-04-12", "2031-05-01"));
        },
        &[MRZ_MISMATCH],
    ),
    (
        "licence in another person's name",
        |f| {
            f.documents[1].fields.holder_name = "John Smith".into();
        },
        &[NAME_MISMATCH],
    ),
    (
        "accents and case differ only",
        |f| {
            f.documents[1].fields.holder_name = "ÁNNA MARÍA ERIKSSON".into();
        },
        &[],
    ),
    (
        "a name the candidate gave as another name",
        |f| {
            f.other_names = vec!["Anna Lindqvist".into()];
            f.documents[1].fields.holder_name = "Anna Lindqvist".into();
        },
        &[NAME_MISMATCH],
    ),
    (
        "dates of birth differ between documents",
        |f| {
            f.documents[1].fields.birth_date = Some(day("1990-12-04"));
        },
        &[BIRTH_DATE_MISMATCH],
    ),
    (
        "passport expired",
        |f| {
            f.documents[0].fields.expiry_date = Some(day("2026-01-31"));
            f.documents[0].fields.mrz =
                Some(td3(PASSPORT, "Eriksson", "Anna Maria", "1990-04-12", "2026-01-31"));
        },
        &[DOCUMENT_EXPIRED, FEWER_THAN_TWO],
    ),
    (
        "passport expires in six weeks",
        |f| {
            f.documents[0].fields.expiry_date = Some(day("2026-12-15"));
            f.documents[0].fields.mrz =
                Some(td3(PASSPORT, "Eriksson", "Anna Maria", "1990-04-12", "2026-12-15"));
        },
        &[DOCUMENT_EXPIRING],
    ),
    (
        "only one document",
        |f| {
            f.documents.truncate(1);
        },
        &[FEWER_THAN_TWO],
    ),
    (
        "two documents of one kind",
        |f| {
            f.documents[1].fields.kind = DocumentKind::Passport;
        },
        &[FEWER_THAN_TWO],
    ),
    (
        "no documents recorded yet",
        |f| {
            f.documents.clear();
        },
        &[],
    ),
    (
        "VPN exit address",
        |f| {
            f.ips.push(ip("203.0.113.9", vec![range("203.0.113.0/24", "vpn", "ExampleVPN")]));
        },
        &[IP_ANONYMISING],
    ),
    (
        "hosting range of a named VPN provider",
        |f| {
            f.ips.push(ip("192.0.2.44", vec![range("192.0.2.0/24", "hosting", "M247 Ltd")]));
        },
        &[IP_ANONYMISING],
    ),
    (
        "hosting range of another company",
        |f| {
            f.ips.push(ip("192.0.2.44", vec![range("192.0.2.0/24", "hosting", "Some Cloud")]));
        },
        &[IP_ANONYMISING],
    ),
    (
        "seen in North Korea while claiming Texas",
        |f| {
            f.ips.push(ip("175.45.176.3", vec![range("175.45.176.0/22", "KP", "Star JV")]));
        },
        &[IP_COUNTRY_MISMATCH],
    ),
    (
        "seen abroad, location only from the time zone",
        |f| {
            f.claimed_location = None;
            f.ips.push(ip("175.45.176.3", vec![range("175.45.176.0/22", "CN", "")]));
        },
        &[IP_COUNTRY_MISMATCH],
    ),
    (
        "time zone in China while claiming Texas",
        |f| {
            f.time_zone = Some("Asia/Shanghai".into());
        },
        &[TIME_ZONE_MISMATCH, OFF_HOURS],
    ),
    (
        "reachable only at night in Austin",
        |f| {
            f.reachable_hours = Some(ReachableHours {
                from: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                to: NaiveTime::from_hms_opt(4, 0, 0).unwrap(),
                time_zone: "America/Chicago".into(),
            });
        },
        &[OFF_HOURS],
    ),
    (
        "reachable office hours of Seoul",
        |f| {
            f.reachable_hours = Some(ReachableHours {
                from: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                to: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
                time_zone: "Asia/Seoul".into(),
            });
        },
        &[TIME_ZONE_MISMATCH, OFF_HOURS],
    ),
    (
        "reachable office hours of Austin",
        |f| {
            f.reachable_hours = Some(ReachableHours {
                from: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
                to: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                time_zone: "America/Chicago".into(),
            });
        },
        &[],
    ),
    (
        "interviews held in the middle of the night in Austin",
        |f| {
            f.interviews = vec![
                interview(1, "2026-10-05T07:00:00.000Z"),
                interview(2, "2026-10-06T08:30:00.000Z"),
            ];
        },
        &[OFF_HOURS],
    ),
    (
        "shipping to another address",
        |f| {
            f.shipping_address = Some("88 Elm St, Dallas, TX 75201".into());
        },
        &[SHIPPING_DIFFERS],
    ),
    (
        "shipping to a private mailbox",
        |f| {
            f.shipping_address = Some("1200 Congress Ave Ste 100 PMB 330, Austin TX 78701".into());
        },
        &[SHIPPING_DIFFERS, MAIL_DROP],
    ),
    (
        "home and shipping a PO box",
        |f| {
            f.home_address = Some("PO Box 1207, Austin, TX 78767".into());
            f.shipping_address = Some("P.O. Box 1207, Austin TX 78767".into());
        },
        &[MAIL_DROP],
    ),
    (
        "home address changed after the offer",
        |f| {
            f.address_history[1].address = Some("77 Harbor Rd, Newark, NJ 07105".into());
            f.home_address = Some("77 Harbor Rd, Newark, NJ 07105".into());
            f.shipping_address = f.home_address.clone();
        },
        &[ADDRESS_CHANGED],
    ),
    (
        "home address changed before the offer",
        |f| {
            f.address_history[1].address = Some("77 Harbor Rd, Newark, NJ 07105".into());
            f.address_history[1].set_at = at("2026-10-01T10:00:00.000Z");
            f.home_address = Some("77 Harbor Rd, Newark, NJ 07105".into());
            f.shipping_address = f.home_address.clone();
        },
        &[],
    ),
    (
        "phone on the VoIP list",
        |f| {
            f.phones.push("650-555-0199".into());
        },
        &[PHONE_VOIP],
    ),
    (
        "phone shared with another candidate",
        |f| {
            f.links.push(link(LinkKind::Phone, LinkRole::Phone, 2, LinkRole::Phone));
        },
        &[PHONE_SHARED],
    ),
    (
        "phone shared with a candidate whose case was rejected",
        |f| {
            f.links.push(link(LinkKind::Phone, LinkRole::Phone, 2, LinkRole::Phone));
            f.decided_against.push(DecidedAgainst {
                candidate: 2,
                case_id: 5,
                decision: Decision::Rejected,
                status: CaseStatus::Closed,
            });
        },
        &[PHONE_SHARED, LINK_DECIDED_AGAINST],
    ),
    (
        "a referred candidate who is linked only through a reference raises no such flag",
        |f| {
            f.links.push(link(LinkKind::Email, LinkRole::ReferenceEmail, 2, LinkRole::Email));
            f.decided_against.push(DecidedAgainst {
                candidate: 2,
                case_id: 6,
                decision: Decision::Referred,
                status: CaseStatus::Decided,
            });
        },
        &[REFERENCE_IS_OTHER_CANDIDATE],
    ),
    (
        "email shared with another candidate",
        |f| {
            f.links.push(link(LinkKind::Email, LinkRole::Email, 2, LinkRole::Email));
        },
        &[EMAIL_SHARED],
    ),
    (
        "shipping address is another candidate's home",
        |f| {
            f.links.push(link(
                LinkKind::Address,
                LinkRole::ShippingAddress,
                2,
                LinkRole::HomeAddress,
            ));
        },
        &[ADDRESS_SHARED],
    ),
    (
        "home and shipping of the same candidate are one place",
        |f| {
            f.links.push(link(
                LinkKind::Address,
                LinkRole::ShippingAddress,
                CANDIDATE,
                LinkRole::HomeAddress,
            ));
        },
        &[],
    ),
    (
        "bank account shared",
        |f| {
            f.links.push(link(
                LinkKind::BankAccount,
                LinkRole::BankAccount,
                2,
                LinkRole::BankAccount,
            ));
        },
        &[ACCOUNT_SHARED],
    ),
    (
        "IP shared",
        |f| {
            f.links.push(link(LinkKind::Ip, LinkRole::ObservedIp, 2, LinkRole::ApplicationIp));
        },
        &[IP_SHARED],
    ),
    (
        "reference answers on the candidate's own phone",
        |f| {
            f.links.push(link(
                LinkKind::Phone,
                LinkRole::ReferencePhone,
                CANDIDATE,
                LinkRole::Phone,
            ));
        },
        &[REFERENCE_IS_CANDIDATE],
    ),
    (
        "reference is another candidate",
        |f| {
            f.links.push(link(LinkKind::Email, LinkRole::ReferenceEmail, 2, LinkRole::Email));
        },
        &[REFERENCE_IS_OTHER_CANDIDATE],
    ),
    (
        "reference shares a phone with another candidate's reference",
        |f| {
            f.links.push(link(
                LinkKind::Phone,
                LinkRole::ReferencePhone,
                2,
                LinkRole::ReferencePhone,
            ));
        },
        &[REFERENCE_SHARED],
    ),
    (
        "two references of the candidate on one mailbox",
        |f| {
            f.links.push(link(
                LinkKind::Email,
                LinkRole::ReferenceEmail,
                CANDIDATE,
                LinkRole::ReferenceEmail,
            ));
        },
        &[REFERENCE_SHARED],
    ),
    (
        "candidate's phone is someone else's reference",
        |f| {
            f.links.push(link(LinkKind::Phone, LinkRole::Phone, 2, LinkRole::ReferencePhone));
        },
        &[],
    ),
    (
        "company reference on webmail",
        |f| {
            f.references[0].fields.email = Some("initech.boss@gmail.com".into());
        },
        &[REFERENCE_FREE_MAIL],
    ),
    (
        "personal reference on webmail",
        |f| {
            f.references[0].fields.email = Some("old.friend@gmail.com".into());
            f.references[0].fields.company = None;
        },
        &[],
    ),
    (
        "bank account replaced after onboarding",
        |f| {
            f.payments.push(payment(2, 'b', "2026-10-28T10:00:00.000Z"));
        },
        &[PAYMENT_CHANGED],
    ),
    (
        "the same account given again",
        |f| {
            f.payments.push(payment(2, 'a', "2026-10-28T10:00:00.000Z"));
        },
        &[],
    ),
    (
        "video refused",
        |f| {
            let x = &mut f.interviews[0].fields;
            x.refused_video = true;
            x.camera_on_throughout = false;
            x.id_match = IdMatch::NotShown;
            x.liveness_done = false;
        },
        &[VIDEO_REFUSED],
    ),
    (
        "audio only",
        |f| {
            let x = &mut f.interviews[0].fields;
            x.audio_only = true;
            x.camera_on_throughout = false;
        },
        &[VIDEO_REFUSED],
    ),
    (
        "camera turned off mid-call",
        |f| {
            f.interviews[0].fields.camera_on_throughout = false;
        },
        &[CAMERA_OFF],
    ),
    (
        "ID did not match the face",
        |f| {
            f.interviews[0].fields.id_match = IdMatch::No;
        },
        &[ID_MISMATCH],
    ),
    (
        "ID unreadable on camera",
        |f| {
            f.interviews[0].fields.id_match = IdMatch::Unclear;
        },
        &[ID_UNCLEAR],
    ),
    (
        "no ID shown on camera",
        |f| {
            f.interviews[0].fields.id_match = IdMatch::NotShown;
        },
        &[ID_UNCLEAR],
    ),
    (
        "no liveness prompts",
        |f| {
            f.interviews[0].fields.liveness_done = false;
        },
        &[LIVENESS],
    ),
    (
        "location answers inconsistent",
        |f| {
            f.interviews[0].fields.location_consistent = Some(false);
        },
        &[LOCATION_INCONSISTENT],
    ),
    (
        "vendor without attestation",
        |f| {
            f.vendor = vendor(false, Some("2026-03-01"), AuditOutcome::Satisfactory);
        },
        &[VENDOR_NO_ATTESTATION],
    ),
    (
        "vendor audit more than a year ago",
        |f| {
            f.vendor = vendor(true, Some("2025-10-01"), AuditOutcome::Satisfactory);
        },
        &[VENDOR_AUDIT_OVERDUE],
    ),
    (
        "vendor never audited",
        |f| {
            f.vendor = vendor(true, None, AuditOutcome::Satisfactory);
        },
        &[VENDOR_AUDIT_OVERDUE],
    ),
    (
        "vendor failed its audit",
        |f| {
            f.vendor = vendor(true, Some("2026-06-01"), AuditOutcome::Unsatisfactory);
        },
        &[VENDOR_AUDIT_FAILED],
    ),
    (
        "E-Verify mismatch not notified within 10 working days",
        |f| {
            let mut e = everify(EVerifyStatus::TentativeNonconfirmation);
            e.fields.agency = Some(MismatchAgency::Ssa);
            e.fields.mismatch_on = Some(day("2026-10-13"));
            f.everify = vec![e];
        },
        &[EVERIFY_OVERDUE],
    ),
    (
        "E-Verify mismatch notified and decided in time",
        |f| {
            let mut e = everify(EVerifyStatus::TentativeNonconfirmation);
            e.fields.agency = Some(MismatchAgency::Dhs);
            e.fields.mismatch_on = Some(day("2026-10-13"));
            e.fields.notice_given_on = Some(day("2026-10-14"));
            e.fields.decision_recorded_on = Some(day("2026-10-20"));
            f.everify = vec![e];
        },
        &[],
    ),
    (
        "E-Verify mismatch still within its 10 working days",
        |f| {
            let mut e = everify(EVerifyStatus::TentativeNonconfirmation);
            e.fields.agency = Some(MismatchAgency::Both);
            e.fields.mismatch_on = Some(day("2026-10-26"));
            f.everify = vec![e];
        },
        &[],
    ),
    (
        "referred employee never contacted the agency",
        |f| {
            let mut e = everify(EVerifyStatus::TentativeNonconfirmation);
            e.fields.agency = Some(MismatchAgency::Ssa);
            e.fields.mismatch_on = Some(day("2026-10-05"));
            e.fields.notice_given_on = Some(day("2026-10-06"));
            e.fields.decision_recorded_on = Some(day("2026-10-07"));
            e.fields.employee_contests = Some(true);
            e.fields.referred_on = Some(day("2026-10-07"));
            f.everify = vec![e];
        },
        &[EVERIFY_OVERDUE],
    ),
    (
        "case in continuance for over 60 working days",
        |f| {
            let mut e = everify(EVerifyStatus::CaseInContinuance);
            e.fields.created_on = day("2026-06-01");
            e.fields.continuance_since = Some(day("2026-06-15"));
            f.everify = vec![e];
        },
        &[EVERIFY_OVERDUE],
    ),
    (
        "employment authorized",
        |f| {
            f.everify = vec![everify(EVerifyStatus::EmploymentAuthorized)];
        },
        &[],
    ),
];

fn rules_of(flags: &[FlagFields]) -> BTreeSet<String> {
    flags.iter().map(|f| f.rule.clone()).collect()
}

#[test]
fn each_situation_raises_exactly_its_flags() {
    let mut failures = Vec::new();
    for (name, edit, expected) in CASES {
        let mut facts = clean();
        edit(&mut facts);
        let got = rules_of(&evaluate(&facts));
        let want: BTreeSet<String> = expected.iter().map(|r| r.to_string()).collect();
        if got != want {
            let facts: Vec<String> =
                evaluate(&facts).iter().flat_map(|f| f.facts.clone()).collect();
            failures.push(format!(
                "{name}: expected {want:?}, got {got:?}\n    {}",
                facts.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_of_the_catalogue_is_exercised_and_ids_are_unique() {
    let used: BTreeSet<&str> = CASES.iter().flat_map(|(_, _, r)| r.iter().copied()).collect();
    let mut ids = BTreeSet::new();
    for r in CATALOGUE {
        assert!(ids.insert(r.id), "duplicate rule id {}", r.id);
        assert!(used.contains(r.id), "rule {} has no test row", r.id);
        assert!(!r.title.is_empty() && !r.why.is_empty() && !r.source.section.is_empty());
        assert!(
            r.id.contains('.')
                && r.id.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
        );
    }
}

#[test]
fn flags_carry_their_facts_evidence_and_other_candidates() {
    let mut f = clean();
    f.documents[1].fields.holder_name = "John Smith".into();
    f.links.push(link(LinkKind::Phone, LinkRole::Phone, 7, LinkRole::Phone));
    f.links.push(link(LinkKind::Phone, LinkRole::Phone, 5, LinkRole::Phone));
    let flags = evaluate(&f);
    let name = flags.iter().find(|x| x.rule == NAME_MISMATCH && x.subject == "document:2").unwrap();
    assert_eq!(name.evidence, vec![12]);
    assert!(name.facts[0].contains("\"John Smith\""), "{:?}", name.facts);
    assert_eq!(name.source.document, NYDFS);
    let pair =
        flags.iter().find(|x| x.rule == NAME_MISMATCH && x.subject == "documents:1:2").unwrap();
    assert_eq!(pair.evidence, vec![11, 12]);
    let phone = flags.iter().find(|x| x.rule == PHONE_SHARED).unwrap();
    assert_eq!(phone.candidates, vec![5, 7]);
    assert_eq!(phone.subject, "phone:+15125550100");
    assert_eq!(phone.facts.len(), 2);
    assert_eq!(phone.severity, Severity::High);
}

#[test]
fn equal_facts_give_equal_flags() {
    let mut f = clean();
    f.interviews[0].fields.refused_video = true;
    f.interviews[0].fields.camera_on_throughout = false;
    assert_eq!(evaluate(&f), evaluate(&f.clone()));
}

#[test]
fn risk_score_grows_with_each_flag_and_stays_within_bounds() {
    use Severity::*;
    for (flags, score, band) in [
        (vec![], 0, RiskBand::None),
        (vec![Low], 5, RiskBand::Low),
        (vec![Medium], 15, RiskBand::Medium),
        (vec![High], 35, RiskBand::High),
        (vec![Critical], 60, RiskBand::Critical),
        (vec![High, High, High], 73, RiskBand::High),
        // Eight high flags score 97, and the label still says high: no critical flag is open.
        (vec![High; 8], 97, RiskBand::High),
        (vec![Low; 10], 40, RiskBand::Low),
        (vec![Critical, High, Medium], 78, RiskBand::Critical),
        (vec![Critical; 30], 100, RiskBand::Critical),
    ] {
        let r = risk_score(flags.clone());
        assert_eq!(r.score, score, "{flags:?}");
        assert_eq!(r.band, band, "{flags:?}");
        assert_eq!(r.open_flags as usize, flags.len());
    }
}

#[test]
fn claimed_locations_name_their_country() {
    for (text, country) in [
        ("Austin, TX", Some("US")),
        ("Austin, Texas", Some("US")),
        ("Sacramento, CA", Some("US")),
        ("Washington, DC", Some("US")),
        ("Brooklyn, NY 11201", Some("US")),
        ("Remote, USA", Some("US")),
        ("United States", Some("US")),
        ("Toronto, Canada", Some("CA")),
        ("London, United Kingdom", Some("GB")),
        ("London, UK", Some("GB")),
        ("Shenyang, China", Some("CN")),
        ("Vladivostok, Russia", Some("RU")),
        ("Dover, DE", Some("US")),
        ("Hanoi, VN", Some("VN")),
        ("Pyongyang, North Korea", Some("KP")),
        ("Somewhere", None),
        ("", None),
    ] {
        assert_eq!(claimed_country(text), country, "{text:?}");
    }
    for (zone, country) in [
        ("America/Chicago", Some("US")),
        ("America/Indiana/Indianapolis", Some("US")),
        ("Pacific/Honolulu", Some("US")),
        ("Asia/Shanghai", Some("CN")),
        ("Asia/Pyongyang", Some("KP")),
        ("Europe/London", Some("GB")),
        ("Mars/Olympus", None),
    ] {
        assert_eq!(zone_country(zone), country, "{zone:?}");
    }
}

#[test]
fn daytime_share_follows_daylight_saving_time() {
    let h = ReachableHours {
        from: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        to: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        time_zone: "Europe/London".into(),
    };
    let chicago: Tz = "America/Chicago".parse().unwrap();
    // London 09:00–17:00 is 03:00–11:00 in Chicago in July and November alike (both zones
    // shift), but 04:00–12:00 in the week of March when only the US has moved.
    let july = daytime_share(&h, chicago, day("2026-07-01")).unwrap();
    let march = daytime_share(&h, chicago, day("2026-03-20")).unwrap();
    assert!((july - 0.5).abs() < 1e-9, "{july}");
    assert!((march - 0.625).abs() < 1e-9, "{march}");
}

#[test]
fn mail_drops_and_address_spellings() {
    for (text, drop) in [
        ("PO Box 1207, Austin, TX 78767", true),
        ("1200 Congress Ave Ste 100 PMB 330, Austin TX 78701", true),
        ("1200 Congress Ave, Austin, TX 78701", false),
    ] {
        assert_eq!(view_address(text).mail_drop.is_some(), drop, "{text}");
    }
    assert!(same_address(
        "1200 Congress Ave, Austin, TX 78701",
        "1200 CONGRESS AVENUE AUSTIN TX 78701"
    ));
    assert!(same_address("1200 Congress Ave", "1200 Congress Avenue, Austin TX 78701"));
    assert!(!same_address(
        "1200 Congress Ave, Austin, TX 78701",
        "1201 Congress Ave, Austin, TX 78701"
    ));
    assert_eq!(view_address("1200 Congress Ave").link_key, None, "no place, no link");
}
