//! Who is in the sample, as plain data: the vendors, the scripted people (a facilitator ring,
//! two new hires going through E-Verify) and the ordinary candidates the seed varies. Dates are
//! counted back from the sample's day; nothing here touches the store (see `story`).

use chrono::{Days, NaiveDate, NaiveTime, TimeZone, Utc};
use vetdesk_core::model::{
    CandidateFields, CaseKind, Decision, ItemResult, Priority, Timestamp, VendorFields,
};
use vetdesk_core::verification::{
    AuditOutcome, DocumentKind, EVerifyFields, EVerifyStatus, IdMatch, IpContext, MismatchAgency,
    ObservedIpFields, PaymentInput, ReachableHours, ReferenceFields,
};

use crate::mrz::{Flaw, MrzData};
use crate::rng::Rng;
use crate::{COMPLIANCE, INVESTIGATOR, REVIEWER};

/// The day the sample stands on, and the arithmetic of "so many days ago".
#[derive(Clone, Copy, Debug)]
pub(crate) struct Calendar {
    pub today: NaiveDate,
}

impl Calendar {
    pub(crate) fn ago(&self, days: u64) -> NaiveDate {
        self.today.checked_sub_days(Days::new(days)).unwrap_or(self.today)
    }
    pub(crate) fn ahead(&self, days: u64) -> NaiveDate {
        self.today.checked_add_days(Days::new(days)).unwrap_or(self.today)
    }
    /// `days` ago at hh:mm UTC.
    pub(crate) fn at(&self, days: u64, hour: u32, minute: u32) -> Timestamp {
        let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        Timestamp::from_datetime(Utc.from_utc_datetime(&self.ago(days).and_time(time)))
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

// ---- shared identifiers of the facilitator ring ----

/// The ring's phone, also on the sample VoIP list.
pub(crate) const RING_PHONE: &str = "+1 202-555-0147";
pub(crate) const RING_PMB: &str = "1600 Sample Ave Ste 100 PMB 330, Exampleville, DE 00019";
pub(crate) const RING_PO_BOX: &str = "PO Box 1207, Exampleville, DE 00019";
pub(crate) const RING_MAILBOX: &str = "talent.desk@example.org";
/// The exit address most of the ring applied and interviewed from (a sample VPN range).
pub(crate) const RING_VPN_IP: &str = "203.0.113.10";

/// An ABA routing number from its first eight digits: the ninth makes the 3-7-1 weighted sum
/// a multiple of ten. Prefixes of zeros keep the sample numbers clear of real banks' numbers.
pub(crate) fn aba(first8: &str) -> String {
    let sum: u32 = first8
        .bytes()
        .zip([3u32, 7, 1].iter().cycle())
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    format!("{first8}{}", (10 - sum % 10) % 10)
}

fn bank(first8: &str, account: &str, bank: &str, holder: &str) -> PaymentInput {
    PaymentInput {
        routing_number: aba(first8),
        account_number: account.to_string(),
        bank_name: Some(bank.to_string()),
        account_holder: Some(holder.to_string()),
        note: Some("Sample bank details (fictitious)".to_string()),
    }
}

fn ring_account(holder: &str) -> PaymentInput {
    bank("00000001", "5550147000", "Sample Savings Bank (fictitious)", holder)
}

// ---- the indicator list and lists of the sample ----

pub(crate) const LIST_NAME: &str = "sample-indicators";
pub(crate) const LIST_FILE: &str = "sample-indicators.csv";
pub(crate) const VPN_PROVIDER: &str = "Specimen VPN";

/// Documentation ranges only (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
/// RFC 3849: 2001:db8::/32), every label saying SAMPLE.
pub(crate) const INDICATOR_CSV: &str = "\
# Vetdesk sample indicator list: documentation address ranges, fictitious labels.
cidr,category,label
192.0.2.0/25,US,SAMPLE residential broadband (United States)
192.0.2.128/25,hosting,SAMPLE Specimen VPN exit servers
198.51.100.0/25,US,SAMPLE mobile carrier (United States)
198.51.100.128/26,CN,SAMPLE country range (China)
198.51.100.192/26,RU,SAMPLE country range (Russia)
203.0.113.0/26,vpn,SAMPLE Utopia VPN exit nodes
203.0.113.64/26,hosting,SAMPLE Example Cloud hosting
203.0.113.128/27,tor,SAMPLE Tor exit relays
203.0.113.160/27,proxy,SAMPLE open proxies
2001:db8:1::/48,vpn,SAMPLE Utopia VPN exit nodes (IPv6)
2001:db8:2::/48,US,SAMPLE residential broadband IPv6 (United States)
";

pub(crate) const VOIP_ENTRIES: &[(&str, &str)] = &[
    (RING_PHONE, "SAMPLE: carrier lookup said VoIP (fictitious lookup)"),
    ("+1 646-555-0199", "SAMPLE: number seen in a peer company's alert (fictitious)"),
];

// ---- vendors ----

pub(crate) struct VendorPlan {
    pub fields: VendorFields,
    pub audit: Option<(NaiveDate, AuditOutcome, &'static str)>,
}

pub(crate) fn vendors(cal: &Calendar) -> [VendorPlan; 3] {
    [
        VendorPlan {
            fields: VendorFields {
                name: "Sample Staffing Partners (sample)".into(),
                contact: "Lee Example, ops@sample-staffing.example.com, +1 212-555-0100".into(),
                screening_attested: true,
                attestation_note: Some(
                    "Signed screening attestation on file: two documents, live video with ID, \
                     address and phone checks (sample)"
                        .into(),
                ),
                last_audit_on: None,
            },
            audit: Some((
                cal.ago(95),
                AuditOutcome::Satisfactory,
                "Sampled 12 placements; identity and address evidence complete (sample audit).",
            )),
        },
        VendorPlan {
            fields: VendorFields {
                name: "Example Talent Group (sample)".into(),
                contact: "hr@example-talent.example.net, +1 305-555-0111".into(),
                screening_attested: false,
                attestation_note: Some("Attestation requested twice, not returned (sample)".into()),
                last_audit_on: None,
            },
            audit: None,
        },
        VendorPlan {
            fields: VendorFields {
                name: "Placeholder Contractors (sample)".into(),
                contact: "bench@placeholder-contractors.example.org, +1 702-555-0122".into(),
                screening_attested: true,
                attestation_note: Some("Attested at onboarding of the vendor (sample)".into()),
                last_audit_on: None,
            },
            audit: Some((
                cal.ago(410),
                AuditOutcome::Unsatisfactory,
                "Subcontracted sourcing to an undisclosed agency; no live-video ID checks \
                 (sample audit).",
            )),
        },
    ]
}

/// Which vendor supplied a person: an index into `vendors()`, or a direct application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Vendor(usize),
    Direct,
}

pub(crate) const GOOD_VENDOR: Source = Source::Vendor(0);
pub(crate) const UNATTESTED_VENDOR: Source = Source::Vendor(1);
pub(crate) const FAILED_VENDOR: Source = Source::Vendor(2);

// ---- people ----

/// An identity document and, when it has one, how its zone is written.
#[derive(Clone, Debug)]
pub(crate) struct DocPlan {
    pub kind: DocumentKind,
    pub issuing_country: &'static str,
    pub number: String,
    /// As typed by the reviewer from the printed page.
    pub holder_name: String,
    pub birth: NaiveDate,
    pub expiry: NaiveDate,
    /// The zone: its data (which may disagree with the typed fields) and a flaw, if any.
    pub mrz: Option<(MrzData, Flaw)>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct CallPlan {
    pub days_ago: u64,
    /// UTC.
    pub hour: u32,
    pub minute: u32,
    pub camera_on_throughout: bool,
    pub refused_video: bool,
    pub audio_only: bool,
    pub id_match: IdMatch,
    pub liveness_done: bool,
    pub location_consistent: Option<bool>,
    pub note: Option<String>,
}

impl CallPlan {
    fn clean(days_ago: u64) -> Self {
        CallPlan {
            days_ago,
            hour: 17,
            minute: 0,
            camera_on_throughout: true,
            refused_video: false,
            audio_only: false,
            id_match: IdMatch::Yes,
            liveness_done: true,
            location_consistent: Some(true),
            note: Some(
                "Camera on, ID held to the camera and matched, hand-wave prompt done.".into(),
            ),
        }
    }
}

/// Where the case ends up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Open,
    InReview,
    Escalated {
        reason: String,
    },
    Decided {
        decision: Decision,
        reason: String,
        escalate_first: Option<String>,
    },
    /// Decided by the investigator, then signed off (closed) by compliance.
    SignedOff {
        decision: Decision,
        reason: String,
        escalation: String,
        sign_off: String,
    },
}

/// One checklist result: item, result, note, and whether the document scans or call
/// screenshots of the case are its evidence.
#[derive(Clone, Debug)]
pub(crate) struct ResultPlan {
    pub item: &'static str,
    pub result: ItemResult,
    pub note: Option<String>,
    pub evidence: EvidenceOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EvidenceOf {
    None,
    Documents,
    Calls,
    EVerify,
}

fn r(item: &'static str, result: ItemResult, note: &str) -> ResultPlan {
    let note = if note.is_empty() { None } else { Some(note.to_string()) };
    ResultPlan { item, result, note, evidence: EvidenceOf::None }
}

fn with(mut plan: ResultPlan, evidence: EvidenceOf) -> ResultPlan {
    plan.evidence = evidence;
    plan
}

/// After the offer: the onboarding items, E-Verify, and changes made once the offer stood.
#[derive(Clone, Debug, Default)]
pub(crate) struct Onboarding {
    pub everify: Option<EVerifyFields>,
    /// A shipping address set after the offer was accepted.
    pub new_shipping_address: Option<&'static str>,
    /// Results recorded once E-Verify is in (e.g. `e-verify` pass).
    pub results_after: Vec<ResultPlan>,
}

#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub source: Source,
    pub fields: CandidateFields,
    pub assignee: Option<&'static str>,
    pub priority: Priority,
    pub documents: Vec<DocPlan>,
    pub calls: Vec<CallPlan>,
    pub hours: Option<ReachableHours>,
    pub references: Vec<ReferenceFields>,
    pub observed: Vec<ObservedIpFields>,
    /// Recorded by the reviewer, in order, before any onboarding step.
    pub results: Vec<ResultPlan>,
    pub onboarding: Option<Onboarding>,
    /// Bank details, in the order given (a second one is a change of account).
    pub payments: Vec<PaymentInput>,
    /// (author, text).
    pub notes: Vec<(&'static str, String)>,
    pub outcome: Outcome,
}

fn hours(from: u32, to: u32, zone: &str) -> ReachableHours {
    ReachableHours {
        from: NaiveTime::from_hms_opt(from, 0, 0).unwrap_or(NaiveTime::MIN),
        to: NaiveTime::from_hms_opt(to, 0, 0).unwrap_or(NaiveTime::MIN),
        time_zone: zone.to_string(),
    }
}

fn seen(ip: &str, at: Timestamp, context: IpContext, note: &str) -> ObservedIpFields {
    ObservedIpFields { ip: ip.into(), seen_at: at, context, note: Some(note.into()) }
}

/// A reference address at a real free-webmail provider that cannot be anyone's mailbox: Gmail
/// refuses `_` and `-` in the names it gives out. The only sample address not on a reserved
/// example domain, so that `reference.free_mail_company` has something to fire on.
pub(crate) const FREE_MAIL_REFERENCE: &str = "chris_roe-sample@gmail.com";

fn reference(name: &str, email: Option<&str>, phone: Option<&str>, how: &str) -> ReferenceFields {
    ReferenceFields {
        name: name.into(),
        email: email.map(str::to_string),
        phone: phone.map(str::to_string),
        relationship: how.into(),
        company: Some("Example Corp (fictitious)".into()),
        note: None,
    }
}

fn mrz_data(
    number: &str,
    surname: &str,
    given: &str,
    birth: NaiveDate,
    sex: char,
    expiry: NaiveDate,
) -> MrzData {
    MrzData {
        state: "UTO",
        number: number.into(),
        surname: surname.into(),
        given_names: given.into(),
        birth,
        sex,
        expiry,
        personal_number: String::new(),
    }
}

/// A document whose zone agrees with what was typed from it.
#[allow(clippy::too_many_arguments)]
fn doc(
    kind: DocumentKind,
    number: &str,
    surname: &str,
    given: &str,
    birth: NaiveDate,
    sex: char,
    expiry: NaiveDate,
    flaw: Flaw,
) -> DocPlan {
    let with_zone = matches!(kind, DocumentKind::Passport | DocumentKind::NationalId);
    DocPlan {
        kind,
        issuing_country: if with_zone { "UTO" } else { "USA" },
        number: number.into(),
        holder_name: format!("{given} {surname}"),
        birth,
        expiry,
        mrz: with_zone.then(|| (mrz_data(number, surname, given, birth, sex, expiry), flaw)),
        note: None,
    }
}

fn candidate(
    external_id: &str,
    legal_name: &str,
    email: &str,
    phone: &str,
    home: &str,
    shipping: &str,
    (claimed, zone): (&str, &str),
) -> CandidateFields {
    CandidateFields {
        external_id: Some(external_id.into()),
        legal_name: legal_name.into(),
        other_names: Vec::new(),
        emails: vec![email.into()],
        phones: vec![phone.into()],
        home_address: Some(home.into()),
        shipping_address: Some(shipping.into()),
        claimed_location: Some(claimed.into()),
        time_zone: Some(zone.into()),
        role: None,
        vendor_id: None,
        applied_on: None,
        application_ip: None,
    }
}

/// The pre-offer results of someone who passed everything; vendor items for vendor hires.
fn clean_pre_offer(vendor: bool) -> Vec<ResultPlan> {
    use ItemResult::{NotApplicable, Pass};
    let mut out = vec![
        r("reviewer-trained", Pass, "Annual threat briefing done (sample)."),
        with(
            r("id-two-documents", Pass, "Passport and a second document agree."),
            EvidenceOf::Documents,
        ),
        with(
            r("id-document-authenticity", Pass, "MRZ check digits and security features checked."),
            EvidenceOf::Documents,
        ),
        r("id-physical-inspection", Pass, "Originals seen at the local office (sample)."),
        r("application-consistency", Pass, ""),
        with(r("live-video-interview", Pass, "Camera on throughout."), EvidenceOf::Calls),
        with(r("video-id-match", Pass, ""), EvidenceOf::Calls),
        r("interview-questions", Pass, ""),
        r("same-person-every-stage", Pass, ""),
        r("voice-alteration-check", Pass, ""),
        r("interview-recording-disallowed", Pass, ""),
        r(
            "ip-vpn-check",
            Pass,
            "Application and interview addresses in a residential range of the claimed country.",
        ),
        r(
            "shipping-address-verified",
            Pass,
            "Utility bill in the candidate's name at the home address (sample).",
        ),
        r("address-not-shared", Pass, ""),
        r("phone-number-check", Pass, "Not on the VoIP list, not shared."),
        r("known-indicators-check", Pass, ""),
        r("social-public-records", Pass, ""),
        r("bio-cross-check", Pass, ""),
        r("employment-history-verified", Pass, "Confirmed with two former employers (sample)."),
        r("references-independent", Pass, ""),
        r("drug-test-integrity", NotApplicable, "No drug test for this role."),
    ];
    for item in [
        "vendor-entity-verified",
        "vendor-screening-standard",
        "vendor-subcontractors-vetted",
        "vendor-audit",
        "vendor-threat-awareness",
        "vendor-change-alerts",
    ] {
        out.push(if vendor {
            r(item, Pass, "")
        } else {
            r(item, NotApplicable, "Direct applicant: no staffing vendor.")
        });
    }
    out
}

pub(crate) fn offer_and_i9() -> Vec<ResultPlan> {
    vec![
        r("offer-accepted", ItemResult::Pass, "Signed offer received (sample)."),
        r("form-i9-complete", ItemResult::Pass, "Sections 1 and 2 completed on time."),
    ]
}

// ---- the scripted people ----

/// The facilitator ring, the two new hires and their stories. Fixed whatever the seed, so that
/// every red-flag rule has its example and screenshots stay comparable.
pub(crate) fn scripted(cal: &Calendar) -> Vec<Person> {
    use ItemResult::{Fail, Pass};
    let mut people = Vec::new();

    // 1. Jordan Q. Sample: the first of the ring to be hired, later referred and signed off.
    let mut f = candidate(
        "SAMPLE-R01",
        "Jordan Q. Sample",
        "utopia.dev.01@example.net",
        RING_PHONE,
        "41 Placeholder Rd, Anytown, TX 00041",
        RING_PMB,
        ("Anytown, TX", "America/Chicago"),
    );
    f.role = Some("Senior Rust developer (remote)".into());
    f.applied_on = Some(cal.ago(34));
    f.application_ip = Some(RING_VPN_IP.into());
    people.push(Person {
        source: UNATTESTED_VENDOR,
        fields: f,
        assignee: Some(INVESTIGATOR),
        priority: Priority::High,
        documents: vec![doc(
            DocumentKind::Passport,
            "UT4410297",
            "Sample",
            "Jordan Q",
            day(1992, 3, 14),
            'M',
            cal.ahead(1400),
            Flaw::BirthCheckDigit,
        )],
        calls: vec![CallPlan {
            days_ago: 27,
            hour: 15,
            minute: 0,
            camera_on_throughout: false,
            refused_video: true,
            audio_only: false,
            id_match: IdMatch::NotShown,
            liveness_done: false,
            location_consistent: Some(false),
            note: Some(
                "Refused to turn the camera on ('webcam broken'). Could not name a street near \
                 home; call noise of a busy office."
                    .into(),
            ),
        }],
        hours: None,
        references: vec![reference(
            "Taylor Roe",
            Some("utopia.dev.06@example.net"),
            None,
            "former team lead",
        )],
        observed: vec![seen(
            "198.51.100.140",
            cal.at(27, 15, 2),
            IpContext::Interview,
            "Address the call client connected from",
        )],
        results: vec![
            with(
                r("id-two-documents", Fail, "Only a passport; its MRZ check digits fail."),
                EvidenceOf::Documents,
            ),
            with(r("live-video-interview", Fail, "Refused video."), EvidenceOf::Calls),
            r("ip-vpn-check", Fail, "Applied from a VPN exit; interview from a range in China."),
            r("address-not-shared", Fail, "Ships to a private mailbox other candidates give too."),
            r("phone-number-check", Fail, "VoIP number shared with other candidates."),
        ],
        onboarding: Some(Onboarding { results_after: Vec::new(), ..Onboarding::default() }),
        payments: vec![ring_account("Jordan Q Sample")],
        notes: vec![
            (
                REVIEWER,
                "Vendor pressed for a start date; the offer went out before vetting finished."
                    .into(),
            ),
            (
                INVESTIGATOR,
                "Same VoIP number, private mailbox and payroll account as other candidates of \
                 the same vendor: one operation behind several applications. Access was never \
                 granted; equipment shipment stopped."
                    .into(),
            ),
        ],
        outcome: Outcome::SignedOff {
            decision: Decision::Referred,
            escalation: "Shares phone, mailbox and bank account with other candidates".into(),
            reason: "Referred to the FBI (IC3) with the linked candidates (sample narrative)"
                .into(),
            sign_off: "Referral and evidence reviewed; case signed off (sample).".into(),
        },
    });

    // 2. Casey Example: the showcase, many flags still open and links to the whole ring.
    let mut f = candidate(
        "SAMPLE-R02",
        "Casey Example",
        "utopia.dev.02@example.net",
        RING_PHONE,
        "17 Example Ct, Sampleton, WA 00098",
        RING_PMB,
        ("Sampleton, WA", "Asia/Shanghai"),
    );
    f.emails.push(RING_MAILBOX.into());
    f.role = Some("Full-stack developer (remote)".into());
    f.applied_on = Some(cal.ago(21));
    f.application_ip = Some(RING_VPN_IP.into());
    people.push(Person {
        source: UNATTESTED_VENDOR,
        fields: f,
        assignee: Some(INVESTIGATOR),
        priority: Priority::Urgent,
        documents: vec![
            doc(
                DocumentKind::NationalId,
                "UD7731854",
                "Example",
                "Casey",
                day(1989, 11, 23),
                'F',
                cal.ahead(2100),
                Flaw::None,
            ),
            doc(
                DocumentKind::Passport,
                "UT5518026",
                "Example",
                "Casey",
                day(1991, 3, 2),
                'F',
                cal.ahead(2600),
                Flaw::None,
            ),
        ],
        calls: vec![CallPlan {
            days_ago: 14,
            hour: 10,
            minute: 10,
            camera_on_throughout: false,
            refused_video: false,
            audio_only: false,
            id_match: IdMatch::NotShown,
            liveness_done: false,
            location_consistent: None,
            note: Some("Camera went off after two minutes; no ID shown; declined prompts.".into()),
        }],
        hours: Some(hours(9, 17, "Asia/Shanghai")),
        references: vec![reference(
            "Morgan Placeholder",
            Some("utopia.dev.03@example.net"),
            None,
            "former colleague",
        )],
        observed: vec![
            seen("203.0.113.70", cal.at(14, 10, 11), IpContext::Interview, "Call client address"),
            seen(
                RING_VPN_IP,
                cal.at(13, 2, 40),
                IpContext::Other,
                "Portal sign-in for the assessment",
            ),
        ],
        results: vec![
            with(
                r("id-two-documents", Fail, "The two documents give different dates of birth."),
                EvidenceOf::Documents,
            ),
            with(
                r("live-video-interview", Fail, "Camera off for most of the call."),
                EvidenceOf::Calls,
            ),
            with(r("video-id-match", Fail, "No ID held to the camera."), EvidenceOf::Calls),
        ],
        onboarding: None,
        payments: Vec::new(),
        notes: vec![(
            INVESTIGATOR,
            "Time zone set to Shanghai while claiming Washington state; applied from the same \
             VPN exit as Jordan Q. Sample. Checking the reference, whose mailbox is another \
             candidate's."
                .into(),
        )],
        outcome: Outcome::InReview,
    });

    // 3. Riley Specimen: documents in another person's name; rejected.
    let mut f = candidate(
        "SAMPLE-R03",
        "Riley Specimen",
        "utopia.dev.03@example.net",
        "+1 872-555-0163",
        "88 Specimen Rd, Mocksburg, IL 00088",
        RING_PO_BOX,
        ("Mocksburg, IL", "America/Chicago"),
    );
    f.emails.push(RING_MAILBOX.into());
    f.role = Some("Data engineer (remote)".into());
    f.applied_on = Some(cal.ago(40));
    f.application_ip = Some("192.0.2.140".into());
    let mut passport = doc(
        DocumentKind::Passport,
        "UT6620481",
        "Specimen",
        "Riley",
        day(1994, 7, 8),
        'F',
        cal.ahead(1900),
        Flaw::None,
    );
    // The zone names someone else: the page was edited, the zone was not.
    passport.mrz = Some((
        mrz_data("UT6620481", "Notreal", "Kim", day(1994, 7, 8), 'F', cal.ahead(1900)),
        Flaw::None,
    ));
    let mut licence = doc(
        DocumentKind::DriverLicence,
        "D40917735",
        "Notreal",
        "Kim",
        day(1994, 7, 8),
        'F',
        cal.ahead(900),
        Flaw::None,
    );
    licence.note = Some("Scan sent by the vendor; original not seen.".into());
    people.push(Person {
        source: FAILED_VENDOR,
        fields: f,
        assignee: Some(INVESTIGATOR),
        priority: Priority::High,
        documents: vec![passport, licence],
        calls: vec![CallPlan {
            id_match: IdMatch::No,
            location_consistent: Some(true),
            note: Some("The face did not match the photo on the ID held up.".into()),
            ..CallPlan::clean(33)
        }],
        hours: None,
        references: vec![reference(
            "Pat Specimen",
            None,
            Some("+1 872-555-0163"),
            "former manager",
        )],
        observed: vec![seen(
            "2001:db8:1::25",
            cal.at(6, 3, 15),
            IpContext::OnboardingLogin,
            "First sign-in to the onboarding portal",
        )],
        results: vec![
            with(
                r(
                    "id-two-documents",
                    Fail,
                    "Licence in another name; passport zone names another person.",
                ),
                EvidenceOf::Documents,
            ),
            with(r("video-id-match", Fail, "Face did not match the ID."), EvidenceOf::Calls),
            r(
                "references-independent",
                Fail,
                "The reference answers on the candidate's own phone.",
            ),
        ],
        onboarding: Some(Onboarding::default()),
        payments: vec![
            bank("00000002", "5550163001", "Example Credit Union (fictitious)", "Riley Specimen"),
            ring_account("Riley Specimen"),
        ],
        notes: vec![(
            REVIEWER,
            "Asked to change the payroll account a week after giving the first one.".into(),
        )],
        outcome: Outcome::Decided {
            decision: Decision::Rejected,
            reason: "Identity documents in another person's name; ID did not match on video."
                .into(),
            escalate_first: Some("Identity documents disagree; ID mismatch on video".into()),
        },
    });

    // 4. Alex Placeholder: a new direct application from the ring, nothing decided yet.
    let mut f = candidate(
        "SAMPLE-R04",
        "Alex Placeholder",
        "utopia.dev.04@example.net",
        RING_PHONE,
        "41 Placeholder Road, Anytown, Texas 00041",
        RING_PMB,
        ("Anytown, TX", "America/Chicago"),
    );
    f.role = Some("DevOps engineer (remote)".into());
    f.applied_on = Some(cal.ago(9));
    f.application_ip = Some("203.0.113.22".into());
    people.push(Person {
        source: Source::Direct,
        fields: f,
        assignee: None,
        priority: Priority::High,
        documents: vec![doc(
            DocumentKind::Passport,
            "UT3307719",
            "Placeholder",
            "Alex",
            day(1990, 12, 1),
            'M',
            cal.ago(200),
            Flaw::None,
        )],
        calls: vec![CallPlan {
            camera_on_throughout: false,
            audio_only: true,
            id_match: IdMatch::NotShown,
            liveness_done: false,
            location_consistent: None,
            note: Some("Joined by phone only; said video was not possible.".into()),
            ..CallPlan::clean(5)
        }],
        hours: None,
        references: vec![
            ReferenceFields {
                company: Some("Sample Systems Inc. (fictitious)".into()),
                ..reference(
                    "Pat Doe",
                    Some("pat.doe@example.com"),
                    Some("+1 415-555-0188"),
                    "former manager",
                )
            },
            ReferenceFields {
                company: Some("Demo Labs LLC (fictitious)".into()),
                // A company reference writing from free webmail. Gmail gives out only names of
                // letters, digits and dots: one with `_` and `-` is no one's mailbox.
                ..reference(
                    "Chris Roe",
                    Some(FREE_MAIL_REFERENCE),
                    Some("(415) 555-0188"),
                    "former client",
                )
            },
        ],
        observed: Vec::new(),
        results: Vec::new(),
        onboarding: None,
        payments: Vec::new(),
        notes: Vec::new(),
        outcome: Outcome::Open,
    });

    // 5. Sam Mustermann: hired through the audited-and-failed vendor; E-Verify deadline
    //    missed, shipping address moved to the ring's mailbox after the offer.
    let mut f = candidate(
        "SAMPLE-R05",
        "Sam Mustermann",
        "utopia.dev.05@example.net",
        "+1 973-555-0112",
        "230 Fictional Blvd, Exampleton, NJ 00072",
        "230 Fictional Blvd, Exampleton, NJ 00072",
        ("Exampleton, NJ", "America/New_York"),
    );
    f.role = Some("Backend developer (remote)".into());
    f.applied_on = Some(cal.ago(45));
    f.application_ip = Some("192.0.2.55".into());
    people.push(Person {
        source: FAILED_VENDOR,
        fields: f,
        assignee: Some(INVESTIGATOR),
        priority: Priority::Urgent,
        documents: vec![
            doc(
                DocumentKind::Passport,
                "UT9182736",
                "Mustermann",
                "Sam",
                day(1987, 6, 30),
                'M',
                cal.ahead(60),
                Flaw::None,
            ),
            doc(
                DocumentKind::DriverLicence,
                "D55501122",
                "Mustermann",
                "Sam",
                day(1987, 6, 30),
                'M',
                cal.ahead(1500),
                Flaw::None,
            ),
        ],
        calls: vec![CallPlan::clean(38)],
        hours: Some(hours(9, 17, "America/New_York")),
        references: vec![reference(
            "Jamie Exemplar",
            Some("j.exemplar@example.com"),
            Some("+1 973-555-0190"),
            "former manager",
        )],
        observed: vec![seen(
            "198.51.100.200",
            cal.at(3, 8, 45),
            IpContext::OnboardingLogin,
            "Onboarding portal sign-in",
        )],
        results: clean_pre_offer(true),
        onboarding: Some(Onboarding {
            everify: Some(EVerifyFields {
                case_number: "2026-SAMPLE-0005".into(),
                created_on: cal.ago(31),
                status: EVerifyStatus::TentativeNonconfirmation,
                agency: Some(MismatchAgency::Ssa),
                mismatch_on: Some(cal.ago(30)),
                notice_given_on: None,
                decision_recorded_on: None,
                employee_contests: None,
                referred_on: None,
                agency_contacted_on: None,
                continuance_since: None,
                followed_up_on: None,
                evidence: Vec::new(),
                note: Some("Further Action Notice not yet given (sample).".into()),
            }),
            new_shipping_address: Some(RING_PMB),
            results_after: Vec::new(),
        }),
        payments: vec![bank(
            "00000003",
            "5550112004",
            "Sample Savings Bank (fictitious)",
            "Sam Mustermann",
        )],
        notes: vec![(
            REVIEWER,
            "Asked by email to ship the laptop to a 'friend's office' instead of home.".into(),
        )],
        outcome: Outcome::Escalated {
            reason: "Shipping address changed to a private mailbox after the offer".into(),
        },
    });

    // 6. Jamie Doe: reachable only at night in the claimed time zone; vouches for the ring.
    let mut f = candidate(
        "SAMPLE-R06",
        "Jamie Doe",
        "utopia.dev.06@example.net",
        RING_PHONE,
        "9 Lorem St, Ipsumville, NY 00066",
        RING_PMB,
        ("Ipsumville, NY", "America/New_York"),
    );
    f.role = Some("Mobile developer (remote)".into());
    f.applied_on = Some(cal.ago(6));
    f.application_ip = Some("203.0.113.140".into());
    people.push(Person {
        source: UNATTESTED_VENDOR,
        fields: f,
        assignee: Some(REVIEWER),
        priority: Priority::Normal,
        documents: vec![
            doc(
                DocumentKind::NationalId,
                "UD2290417",
                "Doe",
                "Jamie",
                day(1995, 2, 17),
                'F',
                cal.ahead(2500),
                Flaw::None,
            ),
            doc(
                DocumentKind::DriverLicence,
                "D66604171",
                "Doe",
                "Jamie",
                day(1995, 2, 17),
                'F',
                cal.ahead(1100),
                Flaw::None,
            ),
        ],
        calls: vec![CallPlan {
            hour: 7,
            minute: 30,
            note: Some("Asked for a 02:30 slot local time; camera on, ID matched.".into()),
            ..CallPlan::clean(4)
        }],
        hours: Some(hours(22, 6, "America/New_York")),
        references: vec![reference(
            "Sam Roe",
            Some("utopia.dev.01@example.net"),
            None,
            "former colleague",
        )],
        observed: vec![seen(
            RING_VPN_IP,
            cal.at(4, 7, 31),
            IpContext::Interview,
            "Call client address",
        )],
        results: vec![r("reviewer-trained", Pass, "")],
        onboarding: None,
        payments: Vec::new(),
        notes: Vec::new(),
        outcome: Outcome::Open,
    });

    // 7. Morgan Lee-Example: a clean hire whose E-Verify case is in a mismatch, deadlines
    //    running and met so far.
    let mut f = candidate(
        "SAMPLE-E01",
        "Morgan Lee-Example",
        "morgan.lee-example@example.com",
        "+1 971-555-0121",
        "77 Template Way, Testburg, OR 00077",
        "77 Template Way, Testburg, OR 00077",
        ("Testburg, OR", "America/Los_Angeles"),
    );
    f.role = Some("QA engineer (remote)".into());
    f.applied_on = Some(cal.ago(50));
    f.application_ip = Some("192.0.2.77".into());
    people.push(Person {
        source: GOOD_VENDOR,
        fields: f,
        assignee: Some(REVIEWER),
        priority: Priority::Normal,
        documents: vec![
            doc(
                DocumentKind::Passport,
                "UT1029384",
                "Lee-Example",
                "Morgan",
                day(1985, 9, 9),
                'F',
                cal.ahead(2900),
                Flaw::None,
            ),
            doc(
                DocumentKind::NationalId,
                "UD5647382",
                "Lee-Example",
                "Morgan",
                day(1985, 9, 9),
                'F',
                cal.ahead(2000),
                Flaw::None,
            ),
        ],
        calls: vec![CallPlan::clean(41)],
        hours: Some(hours(8, 17, "America/Los_Angeles")),
        references: vec![reference(
            "Quinn Exemplar",
            Some("quinn.exemplar@example.com"),
            Some("+1 971-555-0177"),
            "former manager",
        )],
        observed: Vec::new(),
        results: clean_pre_offer(true),
        onboarding: Some(Onboarding {
            everify: Some(EVerifyFields {
                case_number: "2026-SAMPLE-0007".into(),
                created_on: cal.ago(5),
                status: EVerifyStatus::TentativeNonconfirmation,
                agency: Some(MismatchAgency::Dhs),
                mismatch_on: Some(cal.ago(4)),
                notice_given_on: Some(cal.ago(3)),
                decision_recorded_on: None,
                employee_contests: None,
                referred_on: None,
                agency_contacted_on: None,
                continuance_since: None,
                followed_up_on: None,
                evidence: Vec::new(),
                note: Some(
                    "Further Action Notice given in person; the employee is deciding whether \
                     to take action (sample)."
                        .into(),
                ),
            }),
            new_shipping_address: None,
            results_after: Vec::new(),
        }),
        payments: vec![bank(
            "00000004",
            "5550121007",
            "Example Credit Union (fictitious)",
            "Morgan Lee-Example",
        )],
        notes: vec![(
            REVIEWER,
            "Mismatch is a name-order difference on the DHS record; employee brought the \
             notice back the next day. Nothing adverse may be done before a final result."
                .into(),
        )],
        outcome: Outcome::InReview,
    });

    // 8. Drew Public: the hire that went right, cleared.
    let mut f = candidate(
        CLEAN_HIRE,
        "Drew Public",
        "drew.public@example.com",
        "+1 720-555-0134",
        "12 Exemplar Dr, Demo Springs, CO 00012",
        "12 Exemplar Dr, Demo Springs, CO 00012",
        ("Demo Springs, CO", "America/Denver"),
    );
    f.role = Some("Site reliability engineer (remote)".into());
    f.applied_on = Some(cal.ago(60));
    f.application_ip = Some("192.0.2.78".into());
    let mut after =
        vec![with(r("e-verify", ItemResult::Pass, "Employment authorized."), EvidenceOf::EVerify)];
    after.push(r("day-one-identity-match", Pass, "Same person as in the interviews."));
    after.push(r("equipment-ship-home-only", Pass, "Laptop shipped to the verified home address."));
    after.push(r("payroll-account-verified", Pass, "Account in the worker's own name."));
    // Every onboarding item done: a clearance rests on the whole phase.
    after.push(r("device-controls-enabled", Pass, "Remote-access and location controls on."));
    after.push(r("access-least-privilege", Pass, "Access limited to the team's systems."));
    after.push(r("security-team-handoff", Pass, "Security team briefed on the new hire."));
    people.push(Person {
        source: GOOD_VENDOR,
        fields: f,
        assignee: Some(REVIEWER),
        priority: Priority::Normal,
        documents: vec![
            doc(
                DocumentKind::Passport,
                "UT8473625",
                "Public",
                "Drew",
                day(1983, 4, 21),
                'M',
                cal.ahead(3100),
                Flaw::None,
            ),
            doc(
                DocumentKind::DriverLicence,
                "D72013344",
                "Public",
                "Drew",
                day(1983, 4, 21),
                'M',
                cal.ahead(1300),
                Flaw::None,
            ),
        ],
        calls: vec![CallPlan::clean(52)],
        hours: Some(hours(8, 17, "America/Denver")),
        references: vec![reference(
            "Rowan Template",
            Some("rowan.template@example.com"),
            Some("+1 720-555-0166"),
            "former manager",
        )],
        observed: Vec::new(),
        results: clean_pre_offer(true),
        onboarding: Some(Onboarding {
            everify: Some(EVerifyFields {
                case_number: "2026-SAMPLE-0008".into(),
                created_on: cal.ago(20),
                status: EVerifyStatus::EmploymentAuthorized,
                agency: None,
                mismatch_on: None,
                notice_given_on: None,
                decision_recorded_on: None,
                employee_contests: None,
                referred_on: None,
                agency_contacted_on: None,
                continuance_since: None,
                followed_up_on: None,
                evidence: Vec::new(),
                note: None,
            }),
            new_shipping_address: None,
            results_after: after,
        }),
        payments: vec![bank(
            "00000005",
            "5550134002",
            "Sample Savings Bank (fictitious)",
            "Drew Public",
        )],
        notes: Vec::new(),
        outcome: Outcome::Decided {
            decision: Decision::Cleared,
            reason: "All checks passed; E-Verify employment authorized.".into(),
            escalate_first: None,
        },
    });

    people
}

/// Drew Public's external id: the hire that went right, watched after the hire and clean.
pub(crate) const CLEAN_HIRE: &str = "SAMPLE-E02";

// ---- the ordinary candidates ----

/// Whether an external id is an ordinary candidate's (`SAMPLE-` and a number).
pub(crate) fn is_ordinary(external_id: &str) -> bool {
    external_id
        .strip_prefix("SAMPLE-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

const FIRST_NAMES: &[&str] = &[
    "Avery", "Blake", "Cameron", "Dakota", "Emerson", "Finley", "Harper", "Hayden", "Jesse",
    "Kendall", "Logan", "Marlowe", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Rowan", "Sage",
    "Skyler", "Tatum", "Val", "Wren", "Ari", "Bailey", "Charlie", "Devon", "Eden", "Frankie",
    "Gray", "Indigo", "Jules",
];

const SURNAMES: &[&str] = &[
    "Sample",
    "Example",
    "Specimen",
    "Placeholder",
    "Testcase",
    "Mockup",
    "Dummy",
    "Demo",
    "Fictional",
    "Madeup",
    "Exemplar",
    "Prototype",
    "Template",
    "Lorem",
    "Ipsum",
    "Dolor",
    "Doe",
    "Roe",
    "Public",
    "Musterfrau",
    "Nobody",
    "Pretend",
    "Imaginary",
    "Invented",
    "Simulated",
    "Notreal",
];

/// (city, state, time zone): invented towns in real states, so that claimed locations,
/// time zones and the US country range agree.
const PLACES: &[(&str, &str, &str)] = &[
    ("Anytown", "TX", "America/Chicago"),
    ("Sampleton", "WA", "America/Los_Angeles"),
    ("Exampleville", "OH", "America/New_York"),
    ("Mocksburg", "IL", "America/Chicago"),
    ("Ipsumville", "NY", "America/New_York"),
    ("Demo Springs", "CO", "America/Denver"),
    ("Placeholder Falls", "AZ", "America/Phoenix"),
    ("Specimen Bay", "FL", "America/New_York"),
    ("Fictional Heights", "GA", "America/New_York"),
    ("Lorem Park", "MA", "America/New_York"),
    ("Testburg", "OR", "America/Los_Angeles"),
    ("Mockton", "MN", "America/Chicago"),
];

const STREETS: &[&str] = &[
    "Sample St",
    "Example Ave",
    "Specimen Rd",
    "Placeholder Ln",
    "Fictional Blvd",
    "Demo Ct",
    "Lorem Way",
    "Ipsum Dr",
    "Template Pl",
    "Mockup Ter",
];

const AREA_CODES: &[&str] = &["312", "415", "503", "617", "713", "305", "404", "602", "206", "303"];

const ROLES: &[&str] = &[
    "Backend developer (remote)",
    "Frontend developer (remote)",
    "Data analyst (remote)",
    "Cloud engineer (remote)",
    "Support engineer (remote)",
    "Security analyst (remote)",
];

/// How far an ordinary case has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    New,
    Identity,
    Interviewed,
    Cleared,
}

/// Ordinary candidates: mostly unremarkable, at every stage from new to cleared. The seed picks
/// names, birth dates, document numbers, places and roles; stages and vendors follow the index,
/// so the mix is the same for every seed.
pub(crate) fn ordinary(cal: &Calendar, seed: u64, count: u32) -> Vec<Person> {
    let mut rng = Rng::new(seed);
    let mut firsts: Vec<&str> = FIRST_NAMES.to_vec();
    rng.shuffle(&mut firsts);
    let mut people = Vec::new();
    for i in 0..count as usize {
        let first = firsts.get(i % firsts.len()).copied().unwrap_or("Avery");
        let last = rng.pick(SURNAMES).copied().unwrap_or("Sample");
        let name = format!("{first} {last}");
        let (city, state, zone) =
            rng.pick(PLACES).copied().unwrap_or(("Anytown", "TX", "America/Chicago"));
        let street = rng.pick(STREETS).copied().unwrap_or("Sample St");
        let house = 100 + 7 * i;
        let address = format!("{house} {street}, {city}, {state} {:05}", 100 + i);
        let source = match i % 8 {
            0 | 1 | 2 | 4 | 6 => GOOD_VENDOR,
            3 => UNATTESTED_VENDOR,
            5 => FAILED_VENDOR,
            _ => Source::Direct,
        };
        // Stages cycle; a case is cleared only when nothing about its vendor stands against it.
        let mut stage = match i % 5 {
            0 => Stage::New,
            1 => Stage::Identity,
            2 | 4 => Stage::Interviewed,
            _ => Stage::Cleared,
        };
        if stage == Stage::Cleared && matches!(source, UNATTESTED_VENDOR | FAILED_VENDOR) {
            stage = Stage::Interviewed;
        }
        let applied = 3 + rng.below(55) as u64;
        let birth =
            day(1970 + rng.below(31) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let sex = if rng.below(2) == 0 { 'F' } else { 'M' };
        // One ordinary passport expires within 90 days: a low flag among clean cases.
        let passport_expiry =
            if i == 7 { cal.ahead(45) } else { cal.ahead(400 + rng.below(3000) as u64) };
        let number = |prefix: &str, rng: &mut Rng| format!("{prefix}{:07}", rng.below(10_000_000));
        let passport_no = number("UT", &mut rng);
        let second = if i % 2 == 0 {
            doc(
                DocumentKind::NationalId,
                &number("UD", &mut rng),
                last,
                first,
                birth,
                sex,
                cal.ahead(300 + rng.below(3000) as u64),
                Flaw::None,
            )
        } else {
            doc(
                DocumentKind::DriverLicence,
                &format!("D{:08}", rng.below(100_000_000)),
                last,
                first,
                birth,
                sex,
                cal.ahead(300 + rng.below(2000) as u64),
                Flaw::None,
            )
        };
        let role = rng.pick(ROLES).copied().unwrap_or("Developer (remote)");

        let mut fields = candidate(
            &format!("SAMPLE-{:03}", i + 1),
            &name,
            &format!("{}.{}.{}@example.com", first.to_lowercase(), last.to_lowercase(), i + 1),
            &format!("+1 {}-555-01{:02}", AREA_CODES[i % AREA_CODES.len()], i),
            &address,
            &address,
            (&format!("{city}, {state}"), zone),
        );
        fields.role = Some(role.into());
        fields.applied_on = Some(cal.ago(applied));
        fields.application_ip = Some(format!("192.0.2.{}", 10 + i));

        let interviewed = matches!(stage, Stage::Interviewed | Stage::Cleared);
        let documents = if stage == Stage::New {
            Vec::new()
        } else {
            vec![
                doc(
                    DocumentKind::Passport,
                    &passport_no,
                    last,
                    first,
                    birth,
                    sex,
                    passport_expiry,
                    Flaw::None,
                ),
                second,
            ]
        };
        let calls = if interviewed {
            vec![CallPlan::clean(applied.saturating_sub(2).max(1))]
        } else {
            Vec::new()
        };
        let references = if interviewed {
            vec![reference(
                &format!(
                    "{} {}",
                    rng.pick(FIRST_NAMES).copied().unwrap_or("Ari"),
                    rng.pick(SURNAMES).copied().unwrap_or("Roe")
                ),
                Some(&format!("reference.{}@example.org", i + 1)),
                Some(&format!("+1 808-555-01{i:02}")),
                "former manager",
            )]
        } else {
            Vec::new()
        };
        let vendor = source != Source::Direct;
        let results: Vec<ResultPlan> = match stage {
            Stage::New => Vec::new(),
            Stage::Identity => clean_pre_offer(vendor).into_iter().take(5).collect(),
            Stage::Interviewed => clean_pre_offer(vendor).into_iter().take(16).collect(),
            Stage::Cleared => clean_pre_offer(vendor),
        };
        let outcome = match stage {
            Stage::New => Outcome::Open,
            Stage::Identity | Stage::Interviewed => Outcome::InReview,
            Stage::Cleared => Outcome::Decided {
                decision: Decision::Cleared,
                reason: "Every pre-offer check passed.".into(),
                escalate_first: None,
            },
        };
        let notes = if i % 6 == 4 {
            vec![(
                REVIEWER,
                "Candidate asked to move the interview; rescheduled within the week.".to_string(),
            )]
        } else {
            Vec::new()
        };
        people.push(Person {
            source,
            fields,
            assignee: if stage == Stage::New { None } else { Some(REVIEWER) },
            priority: if i % 9 == 0 { Priority::Low } else { Priority::Normal },
            documents,
            calls,
            hours: interviewed.then(|| hours(9, 17, zone)),
            references,
            observed: Vec::new(),
            results,
            onboarding: None,
            payments: Vec::new(),
            notes,
            outcome,
        });
    }
    people
}

/// The case every person gets.
pub(crate) const CASE_KIND: CaseKind = CaseKind::PreHire;

/// Users who decide and sign off.
pub(crate) const DECIDER: &str = INVESTIGATOR;
pub(crate) const SIGNER: &str = COMPLIANCE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aba_check_digits_make_valid_routing_numbers() {
        // A published routing number: the check digit of its first eight is its ninth.
        assert_eq!(aba("02100002"), "021000021");
        assert_eq!(aba("00000001"), "000000013");
        assert_eq!(aba("00000000"), "000000000");
    }

    #[test]
    fn ordinary_people_are_distinct_and_the_same_for_the_same_seed() {
        let cal = Calendar { today: day(2026, 11, 2) };
        let a = ordinary(&cal, 7, 32);
        let b = ordinary(&cal, 7, 32);
        let c = ordinary(&cal, 8, 32);
        let names =
            |p: &[Person]| p.iter().map(|x| x.fields.legal_name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&c));
        for field in [
            |p: &Person| p.fields.phones.clone(),
            |p: &Person| p.fields.emails.clone(),
            |p: &Person| vec![p.fields.home_address.clone().unwrap_or_default()],
        ] {
            let mut all: Vec<String> = a.iter().flat_map(field).collect();
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "ordinary candidates share an identifier");
        }
    }
}
