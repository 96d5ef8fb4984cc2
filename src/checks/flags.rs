//! Red-flag rules: pure functions from the facts of one case (as the store gathers them) to the
//! flags those facts raise. Each rule has a stable id, a severity, a one-line title, why it
//! matters and the public source it follows ([`CATALOGUE`]); each raised flag adds the facts and
//! evidence behind it. The store diffs the result against the flags already open and records
//! every raise and clear in the case's audit chain.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;

use super::iprange::{IpCategory, IpRangeEntry};
use super::phone::VoipList;
use super::workdays::{self, DeadlineState, FederalCalendar};
use super::{Source, address, mrz, names};
use crate::model::{CandidateId, EvidenceId, Timestamp};
use crate::verification::{
    AuditOutcome, DocumentKind, EVerifyCase, EVerifyStatus, FlagFields, IdMatch, IdentityDocument,
    Interview, IpContext, LinkKind, LinkRole, ObservedIpId, PaymentRecord, ReachableHours,
    Reference, RiskBand, RiskScore, Severity, VendorAudit, VendorAuditStatus,
};

// ---- sources ----

const NYDFS: &str = "NYDFS Industry Letter and FBI guidance on remote technology workers tied to \
                     the DPRK, 1 November 2024";
const CHAFETZ: &str = "Glenn Chafetz, \"Why the North Korean Remote IT Worker Threat Persists and \
                       Continues to Damage U.S. National Security\", 2025";
const ICAO: &str = "ICAO Doc 9303, Machine Readable Travel Documents, 8th edition (2021)";
const EVERIFY: &str = "E-Verify User Manual (M-775), USCIS";

const fn src(document: &'static str, section: &'static str) -> Source {
    Source::new(document, section)
}

/// What every rule says about itself.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub why: &'static str,
    pub source: Source,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $title:literal, $why:literal, $doc:expr, $sec:literal;)+) => {
        $(pub const $name: &str = $id;)+
        /// Every rule, in the order the catalogue is shown.
        pub const CATALOGUE: &[Rule] = &[$(Rule {
            id: $id,
            severity: Severity::$sev,
            title: $title,
            why: $why,
            source: src($doc, $sec),
        }),+];
    };
}

rules! {
    MRZ_CHECK_FAILED = "document.mrz_check_failed", High,
        "The document's machine-readable zone fails its checks",
        "Check digits are computed when a genuine document is made; a digit that does not add up \
         means the zone was mistyped, misread or made up by someone who did not compute it.",
        ICAO, "Part 3, 4.9 Check digits in the MRZ";
    MRZ_MISMATCH = "document.mrz_mismatch", High,
        "The machine-readable zone disagrees with the fields typed from the document",
        "The printed page and the zone of a genuine document say the same thing; a forger who \
         edits one often forgets the other.",
        ICAO, "Part 3, 4.2 Data elements of the MRZ; Part 4 (TD3), 5 (TD1) and 6 (TD2)";
    NAME_MISMATCH = "document.name_mismatch", High,
        "Names on the documents or of the candidate do not match",
        "Stolen and borrowed identities show up as documents in another person's name or as \
         documents that disagree with each other; spelling variants are tolerated, other names are not.",
        NYDFS, "Enhanced Identity Verification Protocols: Multi-Document Verification";
    BIRTH_DATE_MISMATCH = "document.birth_date_mismatch", High,
        "Dates of birth differ between documents",
        "A person has one date of birth; two documents that disagree cannot both be theirs.",
        NYDFS, "Enhanced Identity Verification Protocols: Multi-Document Verification";
    DOCUMENT_EXPIRED = "document.expired", High,
        "An identity document has expired",
        "An expired document no longer proves identity, and stolen documents are often old ones.",
        ICAO, "Part 3, 4.2 Data elements: date of expiry";
    DOCUMENT_EXPIRING = "document.expiring_soon", Low,
        "An identity document expires within 90 days",
        "The identity check will have to be repeated soon with the renewed document.",
        ICAO, "Part 3, 4.2 Data elements: date of expiry";
    FEWER_THAN_TWO = "document.fewer_than_two", Medium,
        "Fewer than two independent valid identity documents",
        "One document is easy to fake well enough for a video call; two independent documents \
         that agree are much harder.",
        NYDFS, "Enhanced Identity Verification Protocols: Multi-Document Verification";
    IP_ANONYMISING = "ip.anonymising", High,
        "The candidate used a VPN, hosting, Tor or proxy address",
        "VPNs and rented servers hide where the candidate really is, which is how overseas \
         workers appear to be in the United States.",
        NYDFS, "Summary of Threat Tactics: VPNs and Remote Access Concealment; E-Verify and IP Checks";
    IP_SHARED = "ip.shared", Medium,
        "Another candidate was seen on the same IP address",
        "Several candidates behind one address point to a shared facilitator connection or a \
         laptop farm.",
        NYDFS, "Summary of Threat Tactics: U.S.-Based Facilitators (providing internet connections)";
    IP_COUNTRY_MISMATCH = "location.ip_country_mismatch", High,
        "The candidate was seen in a country other than the one they claim",
        "An address in another country contradicts the claimed location, the core of the scheme.",
        NYDFS, "E-Verify and IP Checks: confirm applicants' locations";
    TIME_ZONE_MISMATCH = "location.time_zone_mismatch", Medium,
        "The candidate's time zone does not fit their claimed location",
        "A time zone set to another country is a small slip that gives away where someone works from.",
        NYDFS, "Live Video Interviews: ask about location to spot inconsistencies";
    OFF_HOURS = "location.off_hours", Medium,
        "The candidate is reachable mostly at night in their claimed time zone",
        "Someone who lives in the claimed place is awake and reachable in its daytime; night-time \
         availability fits a worker in Asia.",
        NYDFS, "Enhanced Identity Verification Protocols: monitor for inconsistencies in \
                applicant-provided information";
    SHIPPING_DIFFERS = "address.shipping_differs", Medium,
        "Equipment is to be shipped somewhere other than the home address",
        "Laptops sent to an alternate address are re-shipped abroad or run from a laptop farm.",
        NYDFS, "In-Person Avoidance and Device Diversion";
    MAIL_DROP = "address.mail_drop", High,
        "An address is a PO box or a private mailbox (CMRA/PMB)",
        "Commercial PO boxes are used as drop-shipment sites for corporate laptops.",
        CHAFETZ, "Tactic 4, Corporate Laptop Interception; see also USPS Publication 28 and DMM 508.1.8";
    ADDRESS_CHANGED = "address.changed_after_offer", High,
        "An address changed after the offer was accepted",
        "A late change of address is how equipment gets diverted once the hire is secured.",
        NYDFS, "Address and Payment Monitoring; Geolocation Tracking (changes in address or delivery requests)";
    ADDRESS_SHARED = "address.shared", High,
        "Another candidate gives the same address",
        "Facilitators reuse the same addresses across many candidates and companies.",
        CHAFETZ, "Step 4: investigate all addresses to ensure they are not PO boxes and not shared";
    PHONE_SHARED = "phone.shared", High,
        "Another candidate gives the same phone number",
        "Operators and their facilitators share numbers across devices and candidates.",
        CHAFETZ, "Tactic 5, Shared Phone Numbers";
    PHONE_VOIP = "phone.voip_listed", Medium,
        "A phone number is on the VoIP list",
        "Skype and Google Voice numbers are the ones shared between operators; only a lookup or \
         an investigation shows a number is VoIP, so this rests on the user's own list.",
        CHAFETZ, "Tactic 5, Shared Phone Numbers (Skype or Google Voice)";
    EMAIL_SHARED = "email.shared", High,
        "Another candidate gives the same email mailbox",
        "One mailbox behind several candidates means one operator or facilitator behind them.",
        NYDFS, "U.S.-Based Facilitators: creating accounts for the operatives";
    REFERENCE_IS_CANDIDATE = "reference.is_candidate", High,
        "A reference's contact details are the candidate's own",
        "A reference who answers on the candidate's own phone or mailbox is the candidate.",
        NYDFS, "Bypassing Background Checks: manipulate reference checks";
    REFERENCE_IS_OTHER_CANDIDATE = "reference.is_other_candidate", High,
        "A reference's contact details belong to another candidate",
        "Candidates vouching for each other is a sign of one network behind several applications.",
        NYDFS, "Bypassing Background Checks: manipulate reference checks";
    REFERENCE_SHARED = "reference.shared_contact", High,
        "A reference shares contact details with another reference",
        "Two references on one phone or mailbox are one person, or one facilitator.",
        NYDFS, "Bypassing Background Checks: fabricate job histories, manipulate reference checks";
    REFERENCE_FREE_MAIL = "reference.free_mail_company", Low,
        "A reference speaking for a company uses a free webmail address",
        "A company reference is expected to write from the company's domain; a webmail address \
         cannot be tied to the company.",
        NYDFS, "Bypassing Background Checks: manipulate reference checks";
    ACCOUNT_SHARED = "payment.account_shared", Critical,
        "Another candidate is paid into the same bank account",
        "Salaries of several workers flowing to one account is how facilitators collect for the scheme.",
        NYDFS, "U.S.-Based Facilitators: establishing bank accounts";
    PAYMENT_CHANGED = "payment.changed_after_onboarding", High,
        "Bank details were changed after they were first given",
        "A change of payment account after onboarding is one of the changes vendors are told to \
         report to security.",
        NYDFS, "Address and Payment Monitoring";
    VIDEO_REFUSED = "interview.video_refused", High,
        "The candidate refused video or asked for audio only",
        "Avoiding being seen is the most common sign of someone who is not the person applying.",
        NYDFS, "In-Person Avoidance and Device Diversion; Live Video Interviews with ID Matching";
    CAMERA_OFF = "interview.camera_off", Medium,
        "The camera was not on for the whole interview",
        "A camera that goes off hides a change of person or a second person answering.",
        NYDFS, "Live Video Interviews with ID Matching: camera on";
    ID_MISMATCH = "interview.id_mismatch", High,
        "The ID held to the camera did not match the face or name",
        "The person on the call is not the person on the document.",
        NYDFS, "Live Video Interviews with ID Matching";
    ID_UNCLEAR = "interview.id_unclear", Medium,
        "The ID held to the camera could not be matched",
        "An unreadable or unshown document leaves the face-to-document check undone.",
        NYDFS, "Live Video Interviews with ID Matching";
    LIVENESS = "interview.liveness_not_done", Medium,
        "No liveness prompts were done on the video call",
        "Without a hand passed in front of the face or a look around the room, a deepfake or a \
         replayed video cannot be ruled out.",
        NYDFS, "Live Video Interviews with ID Matching";
    LOCATION_INCONSISTENT = "interview.location_inconsistent", High,
        "The candidate's answers about their location were inconsistent",
        "Questions about the claimed location are what operators working from abroad get wrong.",
        NYDFS, "Live Video Interviews: ask about location, role expectations and background";
    VENDOR_NO_ATTESTATION = "vendor.no_attestation", Medium,
        "The supplying vendor has not attested that it vets identity to our standard",
        "Staffing agencies that do not vet pass stolen identities straight through.",
        NYDFS, "Mandated Vendor Screening Standards";
    VENDOR_AUDIT_OVERDUE = "vendor.audit_overdue", Medium,
        "The supplying vendor's audit is overdue",
        "A vendor's hiring practices are only known as of the last audit.",
        NYDFS, "Frequent Audits of third-party vendors' hiring practices";
    VENDOR_AUDIT_FAILED = "vendor.audit_unsatisfactory", High,
        "The supplying vendor's last audit was unsatisfactory",
        "The vendor was found not to vet to our standard.",
        NYDFS, "Frequent Audits of third-party vendors' hiring practices";
    EVERIFY_OVERDUE = "everify.deadline_overdue", High,
        "An E-Verify deadline has passed",
        "The employer must notify the employee of a mismatch and record their decision on time, \
         and follow up referrals and long continuances; missing these breaks the E-Verify rules.",
        EVERIFY, "Section 3.3 Tentative Nonconfirmation (Mismatch); Section 3.4 Case in Continuance";
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().find(|r| r.id == id)
}

// ---- facts ----

/// One address a candidate had, and when it was set (from the address history).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressSet {
    /// `HomeAddress` or `ShippingAddress`.
    pub role: LinkRole,
    pub address: Option<String>,
    pub set_at: Timestamp,
}

/// One sighting of an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpSighting {
    pub context: IpContext,
    pub seen_at: Timestamp,
    /// The observed-IP record; `None` for the application IP of the candidate record.
    pub record: Option<ObservedIpId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpFacts {
    pub ip: String,
    pub sightings: Vec<IpSighting>,
    /// Indicator ranges containing it, most specific first.
    pub matches: Vec<IpRangeEntry>,
}

/// An identifier of this case's candidate that another record also has: another candidate's,
/// or another record of the same candidate (a reference giving the candidate's own phone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkFact {
    pub kind: LinkKind,
    /// The value as shown (masked for bank accounts).
    pub value: String,
    pub ours: LinkRole,
    pub our_record: Option<i64>,
    pub other_candidate: CandidateId,
    pub other_name: String,
    pub theirs: LinkRole,
    pub their_record: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendorFacts {
    pub name: String,
    pub status: VendorAuditStatus,
}

/// Everything the rules look at for one case.
#[derive(Clone, Debug)]
pub struct CaseFacts {
    pub today: NaiveDate,
    pub candidate_id: CandidateId,
    pub legal_name: String,
    pub other_names: Vec<String>,
    pub claimed_location: Option<String>,
    pub time_zone: Option<String>,
    pub home_address: Option<String>,
    pub shipping_address: Option<String>,
    pub phones: Vec<String>,
    pub voip_list: VoipList,
    /// When the `offer-accepted` checklist item passed.
    pub offer_accepted_at: Option<Timestamp>,
    pub address_history: Vec<AddressSet>,
    pub documents: Vec<IdentityDocument>,
    pub interviews: Vec<Interview>,
    pub reachable_hours: Option<ReachableHours>,
    pub everify: Vec<EVerifyCase>,
    pub references: Vec<Reference>,
    /// Oldest first.
    pub payments: Vec<PaymentRecord>,
    pub ips: Vec<IpFacts>,
    /// Named VPN providers (lower case).
    pub vpn_providers: Vec<String>,
    pub links: Vec<LinkFact>,
    pub vendor: Option<VendorFacts>,
}

impl CaseFacts {
    /// Facts of a candidate with nothing recorded yet.
    pub fn new(today: NaiveDate, candidate_id: CandidateId, legal_name: &str) -> Self {
        CaseFacts {
            today,
            candidate_id,
            legal_name: legal_name.to_string(),
            other_names: Vec::new(),
            claimed_location: None,
            time_zone: None,
            home_address: None,
            shipping_address: None,
            phones: Vec::new(),
            voip_list: VoipList::default(),
            offer_accepted_at: None,
            address_history: Vec::new(),
            documents: Vec::new(),
            interviews: Vec::new(),
            reachable_hours: None,
            everify: Vec::new(),
            references: Vec::new(),
            payments: Vec::new(),
            ips: Vec::new(),
            vpn_providers: Vec::new(),
            links: Vec::new(),
            vendor: None,
        }
    }
}

// ---- evaluation ----

struct Out(Vec<FlagFields>);

impl Out {
    fn raise(
        &mut self,
        rule_id: &str,
        subject: impl Into<String>,
        facts: Vec<String>,
        evidence: impl IntoIterator<Item = EvidenceId>,
        candidates: impl IntoIterator<Item = CandidateId>,
    ) {
        let Some(r) = rule(rule_id) else { return };
        let evidence: BTreeSet<EvidenceId> = evidence.into_iter().collect();
        let candidates: BTreeSet<CandidateId> = candidates.into_iter().collect();
        self.0.push(FlagFields {
            rule: r.id.to_string(),
            subject: subject.into(),
            severity: r.severity,
            title: r.title.to_string(),
            why: r.why.to_string(),
            source: r.source.clone(),
            facts,
            evidence: evidence.into_iter().collect(),
            candidates: candidates.into_iter().collect(),
        });
    }
}

/// Every flag the facts raise, ordered by rule and subject (so equal facts give equal output).
pub fn evaluate(f: &CaseFacts) -> Vec<FlagFields> {
    let mut out = Out(Vec::new());
    documents(f, &mut out);
    interviews(f, &mut out);
    location(f, &mut out);
    addresses(f, &mut out);
    phones(f, &mut out);
    shared(f, &mut out);
    references(f, &mut out);
    payments(f, &mut out);
    vendor(f, &mut out);
    everify(f, &mut out);
    let mut flags = out.0;
    flags.sort_by(|a, b| (&a.rule, &a.subject).cmp(&(&b.rule, &b.subject)));
    flags.dedup_by(|a, b| a.rule == b.rule && a.subject == b.subject);
    flags
}

fn doc_label(d: &IdentityDocument) -> String {
    format!(
        "{} {} ({}, document {})",
        d.fields.kind.as_str().replace('_', " "),
        d.fields.number,
        d.fields.issuing_country,
        d.id
    )
}

fn doc_evidence(d: &IdentityDocument) -> Vec<EvidenceId> {
    d.fields.front_evidence.into_iter().chain(d.fields.back_evidence).collect()
}

/// Letters and digits only, upper case: how document numbers are compared.
fn plain(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// The expiry a document shows: the typed one, else the MRZ's.
fn expiry_of(d: &IdentityDocument, report: Option<&mrz::MrzReport>) -> Option<NaiveDate> {
    d.fields.expiry_date.or_else(|| report.and_then(|r| r.expiry_date.date))
}

fn documents(f: &CaseFacts, out: &mut Out) {
    let reports: Vec<Option<mrz::MrzReport>> = f
        .documents
        .iter()
        .map(|d| d.fields.mrz.as_deref().and_then(|z| mrz::parse(z, f.today).ok()))
        .collect();
    for (d, report) in f.documents.iter().zip(&reports) {
        let subject = format!("document:{}", d.id);
        if let Some(r) = report {
            let mut facts: Vec<String> = r
                .failed_checks()
                .map(|c| {
                    format!(
                        "{}: {} check digit at line {} position {} is {:?}, expected {}",
                        doc_label(d),
                        c.field.as_str().replace('_', " "),
                        c.line,
                        c.position,
                        c.found,
                        c.expected
                    )
                })
                .collect();
            facts.extend(
                r.problems
                    .iter()
                    .filter(|p| p.outcome == super::Outcome::Fail && p.check != "mrz.expired")
                    .map(|p| format!("{}: {}", doc_label(d), p.message)),
            );
            if !facts.is_empty() {
                out.raise(MRZ_CHECK_FAILED, &subject, facts, doc_evidence(d), []);
            }
            let mut facts = Vec::new();
            if plain(&r.document_number) != plain(&d.fields.number) {
                facts.push(format!(
                    "document number typed {:?}, MRZ says {:?}",
                    d.fields.number, r.document_number
                ));
            }
            if let (Some(typed), Some(zone)) = (d.fields.birth_date, r.birth_date.date) {
                if typed != zone {
                    facts.push(format!("date of birth typed {typed}, MRZ says {zone}"));
                }
            }
            if let (Some(typed), Some(zone)) = (d.fields.expiry_date, r.expiry_date.date) {
                if typed != zone {
                    facts.push(format!("date of expiry typed {typed}, MRZ says {zone}"));
                }
            }
            let typed_state = plain(&d.fields.issuing_country);
            if typed_state.len() == 3 && typed_state != r.issuing_state.replace('<', "") {
                facts.push(format!(
                    "issuing state typed {typed_state}, MRZ says {}",
                    r.issuing_state
                ));
            }
            let zone_name = format!(
                "{}<<{}",
                r.primary_identifier.replace(' ', "<"),
                r.secondary_identifier.replace(' ', "<")
            );
            let cmp = names::compare(&zone_name, &d.fields.holder_name);
            if cmp.result == names::NameMatch::Different {
                facts.push(format!(
                    "holder name typed {:?}, MRZ says {} {}",
                    d.fields.holder_name, r.secondary_identifier, r.primary_identifier
                ));
            }
            if !facts.is_empty() {
                let facts = facts.into_iter().map(|x| format!("{}: {x}", doc_label(d))).collect();
                out.raise(MRZ_MISMATCH, &subject, facts, doc_evidence(d), []);
            }
        }
        // Against the candidate: the legal name or any other name they gave.
        let names_given: Vec<&String> =
            std::iter::once(&f.legal_name).chain(&f.other_names).collect();
        let matches_someone = names_given.iter().any(|n| {
            names::compare(&d.fields.holder_name, n).result != names::NameMatch::Different
        });
        if !matches_someone {
            out.raise(
                NAME_MISMATCH,
                &subject,
                vec![format!(
                    "{} is in the name {:?}; the candidate is {:?}",
                    doc_label(d),
                    d.fields.holder_name,
                    f.legal_name
                )],
                doc_evidence(d),
                [],
            );
        }
        match expiry_of(d, report.as_ref()) {
            Some(expiry) if expiry < f.today => out.raise(
                DOCUMENT_EXPIRED,
                &subject,
                vec![format!("{} expired on {expiry}", doc_label(d))],
                doc_evidence(d),
                [],
            ),
            Some(expiry) if (expiry - f.today).num_days() <= 90 => out.raise(
                DOCUMENT_EXPIRING,
                &subject,
                vec![format!("{} expires on {expiry}", doc_label(d))],
                doc_evidence(d),
                [],
            ),
            _ => {}
        }
    }
    // Documents against each other: names tolerantly, dates of birth exactly.
    let births: Vec<Option<NaiveDate>> = f
        .documents
        .iter()
        .zip(&reports)
        .map(|(d, r)| d.fields.birth_date.or_else(|| r.as_ref().and_then(|r| r.birth_date.date)))
        .collect();
    for (i, a) in f.documents.iter().enumerate() {
        for (k, b) in f.documents.iter().skip(i + 1).enumerate() {
            let subject = format!("documents:{}:{}", a.id, b.id);
            let evidence: Vec<EvidenceId> =
                doc_evidence(a).into_iter().chain(doc_evidence(b)).collect();
            if names::compare(&a.fields.holder_name, &b.fields.holder_name).result
                == names::NameMatch::Different
            {
                out.raise(
                    NAME_MISMATCH,
                    &subject,
                    vec![format!(
                        "{} is in the name {:?}, {} in the name {:?}",
                        doc_label(a),
                        a.fields.holder_name,
                        doc_label(b),
                        b.fields.holder_name
                    )],
                    evidence.clone(),
                    [],
                );
            }
            if let (Some(x), Some(y)) =
                (births.get(i).copied().flatten(), births.get(i + 1 + k).copied().flatten())
            {
                if x != y {
                    out.raise(
                        BIRTH_DATE_MISMATCH,
                        &subject,
                        vec![format!(
                            "{} gives {x} as date of birth, {} gives {y}",
                            doc_label(a),
                            doc_label(b)
                        )],
                        evidence,
                        [],
                    );
                }
            }
        }
    }
    // Two independent documents: valid (not expired) and of different kinds, since two
    // documents of one kind (an old and a new passport) come from the same issuer.
    if !f.documents.is_empty() {
        let kinds: BTreeSet<DocumentKind> = f
            .documents
            .iter()
            .zip(&reports)
            .filter(|(d, r)| expiry_of(d, r.as_ref()).is_none_or(|e| e >= f.today))
            .map(|(d, _)| d.fields.kind)
            .collect();
        if kinds.len() < 2 {
            let listed: Vec<String> = f.documents.iter().map(doc_label).collect();
            out.raise(
                FEWER_THAN_TWO,
                "",
                vec![format!(
                    "{} valid document kind(s) on file: {}",
                    kinds.len(),
                    listed.join("; ")
                )],
                f.documents.iter().flat_map(doc_evidence),
                [],
            );
        }
    }
}

fn interviews(f: &CaseFacts, out: &mut Out) {
    for i in &f.interviews {
        let x = &i.fields;
        let subject = format!("interview:{}", i.id);
        let when = format!("interview {} on {} by {}", i.id, x.held_on, x.interviewer);
        let evidence = x.screenshots.clone();
        let video = !x.refused_video && !x.audio_only;
        if !video {
            let what = if x.refused_video { "refused video" } else { "asked for audio only" };
            out.raise(
                VIDEO_REFUSED,
                &subject,
                vec![format!("{when}: the candidate {what}")],
                evidence.clone(),
                [],
            );
        } else {
            if !x.camera_on_throughout {
                out.raise(
                    CAMERA_OFF,
                    &subject,
                    vec![format!("{when}: the camera was not on for the whole call")],
                    evidence.clone(),
                    [],
                );
            }
            match x.id_match {
                IdMatch::Yes => {}
                IdMatch::No => out.raise(
                    ID_MISMATCH,
                    &subject,
                    vec![format!(
                        "{when}: the ID held to the camera did not match the face or name"
                    )],
                    evidence.clone(),
                    [],
                ),
                IdMatch::Unclear => out.raise(
                    ID_UNCLEAR,
                    &subject,
                    vec![format!("{when}: the ID held to the camera could not be matched")],
                    evidence.clone(),
                    [],
                ),
                IdMatch::NotShown => out.raise(
                    ID_UNCLEAR,
                    &subject,
                    vec![format!("{when}: no ID was held to the camera")],
                    evidence.clone(),
                    [],
                ),
            }
            if !x.liveness_done {
                out.raise(
                    LIVENESS,
                    &subject,
                    vec![format!("{when}: no liveness prompts were done")],
                    evidence.clone(),
                    [],
                );
            }
        }
        if x.location_consistent == Some(false) {
            out.raise(
                LOCATION_INCONSISTENT,
                &subject,
                vec![format!(
                    "{when}: the answers about the candidate's location were inconsistent"
                )],
                evidence,
                [],
            );
        }
    }
}

fn ip_where(ip: &IpFacts) -> String {
    let seen: Vec<String> = ip
        .sightings
        .iter()
        .map(|s| format!("{} {}", s.context.as_str().replace('_', " "), s.seen_at.date()))
        .collect();
    format!("{} (seen: {})", ip.ip, seen.join(", "))
}

fn location(f: &CaseFacts, out: &mut Out) {
    // Anonymising ranges, and the countries the address ranges place the candidate in.
    let mut countries: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ip in &f.ips {
        let mut facts = Vec::new();
        for m in &ip.matches {
            let named = f
                .vpn_providers
                .iter()
                .find(|p| !m.label.is_empty() && m.label.to_lowercase().contains(p.as_str()));
            match (m.category, named) {
                (IpCategory::Country(c), None) => {
                    countries.entry(c.as_str().to_string()).or_default().push(ip_where(ip));
                }
                (category, named) => {
                    let label =
                        if m.label.is_empty() { String::new() } else { format!(" ({})", m.label) };
                    let named =
                        named.map(|p| format!(", a named VPN provider ({p})")).unwrap_or_default();
                    facts.push(format!(
                        "{} is in {} [{category}]{label} of list {}{named}",
                        ip_where(ip),
                        m.cidr,
                        m.list
                    ));
                }
            }
        }
        if !facts.is_empty() {
            out.raise(IP_ANONYMISING, format!("ip:{}", ip.ip), facts, [], []);
        }
    }
    let claimed = f.claimed_location.as_deref().and_then(claimed_country);
    let tz_country = f.time_zone.as_deref().and_then(zone_country);
    if let Some(claimed) = claimed.or(tz_country) {
        let facts: Vec<String> = countries
            .iter()
            .filter(|(c, _)| c.as_str() != claimed)
            .flat_map(|(c, ips)| {
                ips.iter().map(move |ip| format!("{ip} is in a range of country {c}"))
            })
            .collect();
        if !facts.is_empty() {
            let basis = match (claimed_country_of(f), f.time_zone.as_deref()) {
                (Some(loc), _) => format!("the candidate claims to be in {loc:?} ({claimed})"),
                (None, Some(tz)) => format!("the candidate's time zone {tz} is in {claimed}"),
                _ => String::new(),
            };
            let mut all = vec![basis];
            all.extend(facts);
            out.raise(IP_COUNTRY_MISMATCH, "", all, [], []);
        }
    }
    if let Some(claimed) = claimed {
        let mut facts = Vec::new();
        if let (Some(tz), Some(c)) = (f.time_zone.as_deref(), tz_country) {
            if c != claimed {
                facts.push(format!(
                    "time zone {tz} is in {c}, but the claimed location {:?} is in {claimed}",
                    f.claimed_location.as_deref().unwrap_or("")
                ));
            }
        }
        if let Some(h) = &f.reachable_hours {
            if let Some(c) = zone_country(&h.time_zone) {
                if c != claimed {
                    facts.push(format!(
                        "reachable hours are given in {} ({c}), but the claimed location {:?} is in {claimed}",
                        h.time_zone,
                        f.claimed_location.as_deref().unwrap_or("")
                    ));
                }
            }
        }
        if !facts.is_empty() {
            out.raise(TIME_ZONE_MISMATCH, "", facts, [], []);
        }
    }
    off_hours(f, out);
}

fn claimed_country_of(f: &CaseFacts) -> Option<&str> {
    f.claimed_location.as_deref().filter(|l| claimed_country(l).is_some())
}

/// Daytime in the claimed zone: 07:00 to 22:00.
fn is_daytime(t: NaiveTime) -> bool {
    (7..22).contains(&t.hour())
}

fn off_hours(f: &CaseFacts, out: &mut Out) {
    let Some(zone_name) =
        f.time_zone.as_deref().or(f.reachable_hours.as_ref().map(|h| h.time_zone.as_str()))
    else {
        return;
    };
    let Ok(zone) = zone_name.parse::<Tz>() else { return };
    let mut facts = Vec::new();
    if let Some(h) = &f.reachable_hours {
        if let Some(share) = daytime_share(h, zone, f.today) {
            if share < 0.5 {
                facts.push(format!(
                    "reachable {}–{} {} is daytime in {zone_name} for only {:.0}% of the window",
                    h.from.format("%H:%M"),
                    h.to.format("%H:%M"),
                    h.time_zone,
                    share * 100.0
                ));
            }
        }
    }
    let timed: Vec<(&Interview, NaiveTime)> = f
        .interviews
        .iter()
        .filter_map(|i| {
            i.fields.started_at.map(|at| (i, at.as_datetime().with_timezone(&zone).time()))
        })
        .collect();
    let night: Vec<String> = timed
        .iter()
        .filter(|(_, t)| !is_daytime(*t))
        .map(|(i, t)| format!("interview {} started at {} in {zone_name}", i.id, t.format("%H:%M")))
        .collect();
    if !night.is_empty() && night.len() * 2 > timed.len() {
        facts.extend(night);
    }
    if !facts.is_empty() {
        let evidence: Vec<EvidenceId> =
            f.interviews.iter().flat_map(|i| i.fields.screenshots.clone()).collect();
        out.raise(OFF_HOURS, "", facts, evidence, []);
    }
}

/// Share of a reachable window that is daytime in `zone`, sampled every 15 minutes on `day`.
fn daytime_share(h: &ReachableHours, zone: Tz, day: NaiveDate) -> Option<f64> {
    let given: Tz = h.time_zone.parse().ok()?;
    let start = given.from_local_datetime(&day.and_time(h.from)).earliest()?;
    let mut minutes = (h.to - h.from).num_minutes();
    if minutes <= 0 {
        minutes += 24 * 60;
    }
    let samples = (minutes / 15).max(1);
    let day_samples = (0..samples)
        .filter(|k| {
            let at = start + chrono::Duration::minutes(k * 15);
            is_daytime(at.with_timezone(&zone).time())
        })
        .count();
    Some(day_samples as f64 / samples as f64)
}

fn addresses(f: &CaseFacts, out: &mut Out) {
    if let (Some(home), Some(ship)) = (f.home_address.as_deref(), f.shipping_address.as_deref()) {
        if !same_address(home, ship) {
            out.raise(
                SHIPPING_DIFFERS,
                "",
                vec![format!("equipment is to go to {ship:?}; the home address is {home:?}")],
                [],
                [],
            );
        }
    }
    for (role, text) in
        [(LinkRole::HomeAddress, &f.home_address), (LinkRole::ShippingAddress, &f.shipping_address)]
    {
        let Some(text) = text else { continue };
        if let Some(kind) = view_address(text).mail_drop {
            out.raise(
                MAIL_DROP,
                role.as_str(),
                vec![format!("the {} {text:?} is a {kind}", role.label())],
                [],
                [],
            );
        }
    }
    if let Some(offer) = f.offer_accepted_at {
        for role in [LinkRole::HomeAddress, LinkRole::ShippingAddress] {
            let history: Vec<&AddressSet> =
                f.address_history.iter().filter(|a| a.role == role).collect();
            let differ = |a: &Option<String>, b: &Option<String>| match (a, b) {
                (Some(a), Some(b)) => !same_address(a, b),
                (None, None) => false,
                _ => true,
            };
            let facts: Vec<String> = history
                .windows(2)
                .filter(|w| w[1].set_at > offer && differ(&w[0].address, &w[1].address))
                .map(|w| {
                    format!(
                        "the {} changed on {} from {:?} to {:?}, after the offer was accepted on {}",
                        role.label(),
                        w[1].set_at.date(),
                        w[0].address.as_deref().unwrap_or("(none)"),
                        w[1].address.as_deref().unwrap_or("(none)"),
                        offer.date()
                    )
                })
                .collect();
            if !facts.is_empty() {
                out.raise(ADDRESS_CHANGED, role.as_str(), facts, [], []);
            }
        }
    }
}

fn phones(f: &CaseFacts, out: &mut Out) {
    for phone in &f.phones {
        let Ok(n) = super::phone::normalize(phone) else { continue };
        let hits = f.voip_list.matches(&n);
        if !hits.is_empty() {
            let facts = hits
                .iter()
                .map(|r| {
                    let what =
                        if r.prefix { format!("prefix {}*", r.e164) } else { r.e164.clone() };
                    let label =
                        if r.label.is_empty() { String::new() } else { format!(" ({})", r.label) };
                    format!("{} matches the VoIP list entry {what}{label}", n.e164)
                })
                .collect();
            out.raise(PHONE_VOIP, format!("phone:{}", n.e164), facts, [], []);
        }
    }
}

/// Facts and other candidates per (rule, subject), for rules that gather several links.
type Groups = BTreeMap<(&'static str, String), (Vec<String>, BTreeSet<CandidateId>)>;

/// Identifiers this candidate shares with other candidates, grouped by value.
fn shared(f: &CaseFacts, out: &mut Out) {
    let mut groups: Groups = BTreeMap::new();
    for l in &f.links {
        if l.other_candidate == f.candidate_id {
            continue;
        }
        let rule = match (l.kind, l.ours, l.theirs) {
            (LinkKind::Phone, LinkRole::Phone, LinkRole::Phone) => PHONE_SHARED,
            (LinkKind::Email, LinkRole::Email, LinkRole::Email) => EMAIL_SHARED,
            (LinkKind::Address, o, t) if !o.is_reference() && !t.is_reference() => ADDRESS_SHARED,
            (LinkKind::BankAccount, _, _) => ACCOUNT_SHARED,
            (LinkKind::Ip, _, _) => IP_SHARED,
            _ => continue,
        };
        let entry = groups.entry((rule, format!("{}:{}", l.kind, l.value))).or_default();
        entry.0.push(format!(
            "{} {} is also the {} of candidate {} ({})",
            l.ours.label(),
            l.value,
            l.theirs.label(),
            l.other_candidate,
            l.other_name
        ));
        entry.1.insert(l.other_candidate);
    }
    for ((rule, subject), (mut facts, candidates)) in groups {
        facts.sort();
        facts.dedup();
        out.raise(rule, subject, facts, [], candidates);
    }
}

fn references(f: &CaseFacts, out: &mut Out) {
    let mut groups: Groups = BTreeMap::new();
    for l in &f.links {
        if !l.ours.is_reference() {
            continue;
        }
        let Some(reference) = f.references.iter().find(|r| Some(r.id) == l.our_record) else {
            continue;
        };
        let own = l.other_candidate == f.candidate_id;
        let rule = if l.theirs.is_reference() {
            if own && l.their_record == l.our_record {
                continue;
            }
            REFERENCE_SHARED
        } else if matches!(l.theirs, LinkRole::Phone | LinkRole::Email) {
            if own { REFERENCE_IS_CANDIDATE } else { REFERENCE_IS_OTHER_CANDIDATE }
        } else {
            continue;
        };
        let whose = if own {
            match l.theirs {
                LinkRole::Phone | LinkRole::Email => {
                    format!("the candidate's own {}", l.theirs.label())
                }
                _ => format!(
                    "also the {} (reference {})",
                    l.theirs.label(),
                    l.their_record.unwrap_or_default()
                ),
            }
        } else {
            let record = l.their_record.map(|r| format!(", reference {r}")).unwrap_or_default();
            format!(
                "the {} of candidate {} ({}{record})",
                l.theirs.label(),
                l.other_candidate,
                l.other_name
            )
        };
        let entry = groups.entry((rule, format!("reference:{}", reference.id))).or_default();
        entry.0.push(format!(
            "reference {} ({}): {} {} is {whose}",
            reference.id, reference.fields.name, l.kind, l.value
        ));
        if !own {
            entry.1.insert(l.other_candidate);
        }
    }
    for ((rule, subject), (mut facts, candidates)) in groups {
        facts.sort();
        facts.dedup();
        out.raise(rule, subject, facts, [], candidates);
    }
    for r in &f.references {
        let company = r.fields.company.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if let (Some(company), Some(email)) = (company, r.fields.email.as_deref()) {
            if super::email::is_free_mail(email) {
                out.raise(
                    REFERENCE_FREE_MAIL,
                    format!("reference:{}", r.id),
                    vec![format!(
                        "reference {} ({}) speaks for {company} but writes from {email}",
                        r.id, r.fields.name
                    )],
                    [],
                    [],
                );
            }
        }
    }
}

fn payments(f: &CaseFacts, out: &mut Out) {
    let Some(first) = f.payments.first() else { return };
    let facts: Vec<String> = f
        .payments
        .windows(2)
        .filter(|w| w[0].fields.account_hash != w[1].fields.account_hash)
        .map(|w| {
            format!(
                "on {} the account {} (routing {}) replaced {} (routing {}) first given on {}",
                w[1].recorded_at.date(),
                w[1].fields.account_masked,
                w[1].fields.routing_masked,
                w[0].fields.account_masked,
                w[0].fields.routing_masked,
                first.recorded_at.date()
            )
        })
        .collect();
    if !facts.is_empty() {
        out.raise(PAYMENT_CHANGED, "", facts, [], []);
    }
}

/// Where a vendor stands with its audits on `today`: the latest audit is the later of the last
/// recorded audit and the vendor's own last-audit date; the next is due `interval_months` after
/// it, and a vendor never audited is overdue.
pub fn vendor_audit_status(
    vendor_id: i64,
    screening_attested: bool,
    vendor_last_audit: Option<NaiveDate>,
    mut audits: Vec<VendorAudit>,
    interval_months: u32,
    today: NaiveDate,
) -> VendorAuditStatus {
    audits.sort_by_key(|a| (a.audited_on, a.id));
    let recorded = audits.last();
    let (last_audit_on, last_outcome) = match (recorded, vendor_last_audit) {
        (Some(a), Some(v)) if v > a.audited_on => (Some(v), None),
        (Some(a), _) => (Some(a.audited_on), Some(a.outcome)),
        (None, v) => (v, None),
    };
    let next_due = last_audit_on.and_then(|d| d.checked_add_months(Months::new(interval_months)));
    VendorAuditStatus {
        vendor_id,
        screening_attested,
        last_audit_on,
        last_outcome,
        next_due,
        overdue: next_due.is_none_or(|d| d < today),
        audits,
    }
}

fn vendor(f: &CaseFacts, out: &mut Out) {
    let Some(v) = &f.vendor else { return };
    let s = &v.status;
    if !s.screening_attested {
        out.raise(
            VENDOR_NO_ATTESTATION,
            format!("vendor:{}", s.vendor_id),
            vec![format!(
                "vendor {} ({}) has not attested that it verifies identity to our standard",
                s.vendor_id, v.name
            )],
            [],
            [],
        );
    }
    if s.overdue {
        let fact = match (s.last_audit_on, s.next_due) {
            (Some(last), Some(due)) => format!(
                "vendor {} ({}) was last audited on {last}; the next audit was due on {due}",
                s.vendor_id, v.name
            ),
            _ => format!("vendor {} ({}) has never been audited", s.vendor_id, v.name),
        };
        out.raise(VENDOR_AUDIT_OVERDUE, format!("vendor:{}", s.vendor_id), vec![fact], [], []);
    }
    if s.last_outcome == Some(AuditOutcome::Unsatisfactory) {
        out.raise(
            VENDOR_AUDIT_FAILED,
            format!("vendor:{}", s.vendor_id),
            vec![format!(
                "the audit of vendor {} ({}) on {} was unsatisfactory",
                s.vendor_id,
                v.name,
                s.last_audit_on.map(|d| d.to_string()).unwrap_or_default()
            )],
            [],
            [],
        );
    }
}

/// The deadline view of an E-Verify record, when its status carries deadlines.
pub fn everify_deadline_case(e: &EVerifyCase) -> Option<workdays::EVerifyCase> {
    let x = &e.fields;
    match x.status {
        EVerifyStatus::TentativeNonconfirmation => {
            let issued_on = x.mismatch_on?;
            Some(match x.referred_on {
                Some(referred_on) => workdays::EVerifyCase::Referred {
                    issued_on,
                    employee_notified_on: x.notice_given_on,
                    referred_on,
                    agency_contacted_on: x.agency_contacted_on,
                },
                None => workdays::EVerifyCase::TentativeNonconfirmation {
                    issued_on,
                    employee_notified_on: x.notice_given_on,
                    decision_recorded_on: x.decision_recorded_on,
                },
            })
        }
        EVerifyStatus::CaseInContinuance => Some(workdays::EVerifyCase::CaseInContinuance {
            since: x.continuance_since?,
            followed_up_on: x.followed_up_on,
        }),
        _ => None,
    }
}

/// The deadlines of an E-Verify record on `today` (empty when its status has none).
pub fn everify_deadlines(e: &EVerifyCase, today: NaiveDate) -> Vec<workdays::Deadline> {
    everify_deadline_case(e)
        .and_then(|c| workdays::everify_deadlines(&c, today, &FederalCalendar::new()).ok())
        .unwrap_or_default()
}

fn everify(f: &CaseFacts, out: &mut Out) {
    for e in &f.everify {
        for d in everify_deadlines(e, f.today) {
            if d.state == DeadlineState::Overdue {
                out.raise(
                    EVERIFY_OVERDUE,
                    format!("everify:{}:{}", e.id, d.kind.as_str()),
                    vec![format!(
                        "E-Verify case {}: {} was due on {} ({} federal working days after {}) and is not done",
                        e.fields.case_number, d.description, d.due, d.working_days, d.counted_from
                    )],
                    e.fields.evidence.clone(),
                    [],
                );
            }
        }
    }
}

// ---- risk ----

/// The weight of one open flag of a severity.
fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Low => 0.05,
        Severity::Medium => 0.15,
        Severity::High => 0.35,
        Severity::Critical => 0.60,
    }
}

/// Risk score of a case from its open flags: `100 × (1 − Π (1 − wᵢ))` over the open flags, with
/// weights low 0.05, medium 0.15, high 0.35, critical 0.60 ("noisy-or": each flag is read as an
/// independent chance that something is wrong). The score stays within 0–100, grows with every
/// flag, and each further flag adds less than the one before, so a pile of low flags never
/// outranks a few serious ones: one critical flag alone scores 60, three high flags 73, ten
/// low flags 40. Bands: none (0), low (< 25), medium (< 50), high (< 75), critical (≥ 75).
pub fn risk_score(severities: impl IntoIterator<Item = Severity>) -> RiskScore {
    let mut keep = 1.0;
    let mut r = RiskScore {
        score: 0,
        band: RiskBand::None,
        open_flags: 0,
        low: 0,
        medium: 0,
        high: 0,
        critical: 0,
    };
    for s in severities {
        keep *= 1.0 - weight(s);
        r.open_flags += 1;
        match s {
            Severity::Low => r.low += 1,
            Severity::Medium => r.medium += 1,
            Severity::High => r.high += 1,
            Severity::Critical => r.critical += 1,
        }
    }
    r.score = ((1.0 - keep) * 100.0).round().clamp(0.0, 100.0) as u8;
    r.band = match r.score {
        0 => RiskBand::None,
        1..25 => RiskBand::Low,
        25..50 => RiskBand::Medium,
        50..75 => RiskBand::High,
        _ => RiskBand::Critical,
    };
    r
}

// ---- addresses ----

/// What the rules and the link index need from an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressView {
    /// The address as USPS Publication 28 writes it, when it could be read as one.
    pub normalized: Option<address::NormalizedAddress>,
    /// The comparison key for links between candidates: only for an address that names its
    /// place (a ZIP code, or a city and state), since "123 MAIN ST" alone is in every town.
    pub link_key: Option<String>,
    /// "PO box (PO BOX 12)", "private mailbox (PMB 330)" … when the address is one.
    pub mail_drop: Option<String>,
}

/// Reads an address for comparison and tells PO boxes and private mailboxes.
pub fn view_address(text: &str) -> AddressView {
    let normalized = address::normalize(text).ok();
    let link_key = normalized.as_ref().map(|n| n.key.clone()).filter(|k| !k.ends_with('|'));
    let mail_drop = normalized.as_ref().and_then(|n| {
        let matched = n.matched.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
        match n.kind {
            address::AddressKind::PoBox => Some(format!("PO box{matched}")),
            address::AddressKind::Pmb => {
                Some(format!("private mailbox at a commercial mail receiving agency{matched}"))
            }
            _ => None,
        }
    });
    AddressView { normalized, link_key, mail_drop }
}

/// Whether two addresses of one candidate name the same place. Within one record a missing ZIP
/// code on one side is an omission, not another town, so equal delivery lines suffice then.
pub fn same_address(a: &str, b: &str) -> bool {
    match (address::normalize(a), address::normalize(b)) {
        (Ok(x), Ok(y)) => {
            let delivery = |k: &str| k.rsplit_once('|').map_or(k, |(d, _)| d).to_string();
            let placeless = |k: &str| k.ends_with('|');
            address::same_place(&x, &y)
                || (delivery(&x.key) == delivery(&y.key)
                    && (placeless(&x.key) || placeless(&y.key)))
        }
        _ => plain_words(a) == plain_words(b),
    }
}

fn plain_words(text: &str) -> String {
    let upper: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_uppercase() } else { ' ' })
        .collect();
    upper.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---- places ----

#[rustfmt::skip]
const US_STATES: &[(&str, &str)] = &[
    ("AL", "ALABAMA"), ("AK", "ALASKA"), ("AZ", "ARIZONA"), ("AR", "ARKANSAS"),
    ("CA", "CALIFORNIA"), ("CO", "COLORADO"), ("CT", "CONNECTICUT"), ("DE", "DELAWARE"),
    ("DC", "DISTRICT OF COLUMBIA"), ("FL", "FLORIDA"), ("GA", "GEORGIA"), ("HI", "HAWAII"),
    ("ID", "IDAHO"), ("IL", "ILLINOIS"), ("IN", "INDIANA"), ("IA", "IOWA"), ("KS", "KANSAS"),
    ("KY", "KENTUCKY"), ("LA", "LOUISIANA"), ("ME", "MAINE"), ("MD", "MARYLAND"),
    ("MA", "MASSACHUSETTS"), ("MI", "MICHIGAN"), ("MN", "MINNESOTA"), ("MS", "MISSISSIPPI"),
    ("MO", "MISSOURI"), ("MT", "MONTANA"), ("NE", "NEBRASKA"), ("NV", "NEVADA"),
    ("NH", "NEW HAMPSHIRE"), ("NJ", "NEW JERSEY"), ("NM", "NEW MEXICO"), ("NY", "NEW YORK"),
    ("NC", "NORTH CAROLINA"), ("ND", "NORTH DAKOTA"), ("OH", "OHIO"), ("OK", "OKLAHOMA"),
    ("OR", "OREGON"), ("PA", "PENNSYLVANIA"), ("RI", "RHODE ISLAND"), ("SC", "SOUTH CAROLINA"),
    ("SD", "SOUTH DAKOTA"), ("TN", "TENNESSEE"), ("TX", "TEXAS"), ("UT", "UTAH"),
    ("VT", "VERMONT"), ("VA", "VIRGINIA"), ("WA", "WASHINGTON"), ("WV", "WEST VIRGINIA"),
    ("WI", "WISCONSIN"), ("WY", "WYOMING"),
];

/// Country names as people write them in a "where are you based" field.
#[rustfmt::skip]
const COUNTRY_NAMES: &[(&str, &str)] = &[
    ("UNITED STATES", "US"), ("UNITED STATES OF AMERICA", "US"), ("USA", "US"), ("U S A", "US"),
    ("U S", "US"), ("AMERICA", "US"), ("CANADA", "CA"), ("MEXICO", "MX"), ("UNITED KINGDOM", "GB"),
    ("UK", "GB"), ("ENGLAND", "GB"), ("SCOTLAND", "GB"), ("WALES", "GB"), ("GREAT BRITAIN", "GB"),
    ("IRELAND", "IE"), ("GERMANY", "DE"), ("FRANCE", "FR"), ("SPAIN", "ES"), ("PORTUGAL", "PT"),
    ("ITALY", "IT"), ("NETHERLANDS", "NL"), ("BELGIUM", "BE"), ("SWITZERLAND", "CH"),
    ("AUSTRIA", "AT"), ("POLAND", "PL"), ("UKRAINE", "UA"), ("ROMANIA", "RO"), ("BULGARIA", "BG"),
    ("SERBIA", "RS"), ("RUSSIA", "RU"), ("RUSSIAN FEDERATION", "RU"), ("BELARUS", "BY"),
    ("SWEDEN", "SE"), ("NORWAY", "NO"), ("DENMARK", "DK"), ("FINLAND", "FI"), ("ESTONIA", "EE"),
    ("LITHUANIA", "LT"), ("LATVIA", "LV"), ("CZECHIA", "CZ"), ("CZECH REPUBLIC", "CZ"),
    ("HUNGARY", "HU"), ("GREECE", "GR"), ("TURKEY", "TR"), ("TURKIYE", "TR"), ("CHINA", "CN"),
    ("PEOPLE S REPUBLIC OF CHINA", "CN"), ("HONG KONG", "HK"), ("TAIWAN", "TW"), ("JAPAN", "JP"),
    ("SOUTH KOREA", "KR"), ("KOREA", "KR"), ("REPUBLIC OF KOREA", "KR"), ("NORTH KOREA", "KP"),
    ("DPRK", "KP"), ("VIETNAM", "VN"), ("VIET NAM", "VN"), ("LAOS", "LA"), ("CAMBODIA", "KH"),
    ("THAILAND", "TH"), ("MALAYSIA", "MY"), ("SINGAPORE", "SG"), ("INDONESIA", "ID"),
    ("PHILIPPINES", "PH"), ("INDIA", "IN"), ("PAKISTAN", "PK"), ("BANGLADESH", "BD"),
    ("UNITED ARAB EMIRATES", "AE"), ("UAE", "AE"), ("ISRAEL", "IL"), ("NIGERIA", "NG"),
    ("KENYA", "KE"), ("EGYPT", "EG"), ("SOUTH AFRICA", "ZA"), ("BRAZIL", "BR"),
    ("ARGENTINA", "AR"), ("COLOMBIA", "CO"), ("CHILE", "CL"), ("PERU", "PE"), ("AUSTRALIA", "AU"),
    ("NEW ZEALAND", "NZ"),
];

/// The country of a claimed location written as "City, ST", "City, State", "City, Country" or
/// a bare country: the last comma-separated part decides. A two-letter part is read as a US
/// state first (so "CA" is California, not Canada), then as an ISO 3166-1 code. `None` when the
/// text names no place this knows.
pub fn claimed_country(location: &str) -> Option<&'static str> {
    let last = location.rsplit(',').next()?;
    let words: String = last
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_uppercase() } else { ' ' })
        .collect();
    let words: Vec<&str> =
        words.split_whitespace().filter(|w| !w.chars().all(|c| c.is_ascii_digit())).collect();
    let text = words.join(" ");
    if text.is_empty() {
        return None;
    }
    if US_STATES.iter().any(|(code, name)| *code == text || *name == text) {
        return Some("US");
    }
    if let Some((_, code)) = COUNTRY_NAMES.iter().find(|(name, _)| *name == text) {
        return Some(code);
    }
    if text.len() == 2 {
        if let Ok(IpCategory::Country(c)) = text.parse::<IpCategory>() {
            return ISO_CODES.iter().copied().find(|k| *k == c.as_str());
        }
    }
    None
}

/// The codes `claimed_country` can return from a bare two-letter code.
#[rustfmt::skip]
const ISO_CODES: &[&str] = &[
    "AE", "AR", "AT", "AU", "BD", "BE", "BG", "BR", "BY", "CH", "CL", "CN", "CO", "CZ", "DK", "EE",
    "EG", "ES", "FI", "FR", "GB", "GR", "HK", "HU", "IE", "IL", "IN", "IT", "JP", "KE", "KH", "KP",
    "KR", "LT", "LV", "MX", "MY", "NG", "NL", "NO", "NZ", "PE", "PH", "PK", "PL", "PT", "RO", "RS",
    "RU", "SE", "SG", "TH", "TR", "TW", "UA", "US", "VN", "ZA",
];

/// The country of an IANA time zone, for the zones of the countries above (after the IANA
/// `zone1970.tab` table); `None` for a zone this does not know.
pub fn zone_country(zone: &str) -> Option<&'static str> {
    #[rustfmt::skip]
    const PREFIXES: &[(&str, &str)] = &[
        ("America/Indiana/", "US"), ("America/Kentucky/", "US"), ("America/North_Dakota/", "US"),
        ("US/", "US"), ("America/Argentina/", "AR"), ("Canada/", "CA"), ("Australia/", "AU"),
    ];
    #[rustfmt::skip]
    const ZONES: &[(&str, &str)] = &[
        ("America/New_York", "US"), ("America/Detroit", "US"), ("America/Chicago", "US"),
        ("America/Menominee", "US"), ("America/Denver", "US"), ("America/Boise", "US"),
        ("America/Phoenix", "US"), ("America/Los_Angeles", "US"), ("America/Anchorage", "US"),
        ("America/Juneau", "US"), ("America/Sitka", "US"), ("America/Metlakatla", "US"),
        ("America/Yakutat", "US"), ("America/Nome", "US"), ("America/Adak", "US"),
        ("Pacific/Honolulu", "US"), ("America/Toronto", "CA"), ("America/Vancouver", "CA"),
        ("America/Edmonton", "CA"), ("America/Winnipeg", "CA"), ("America/Halifax", "CA"),
        ("America/St_Johns", "CA"), ("America/Regina", "CA"), ("America/Mexico_City", "MX"),
        ("America/Tijuana", "MX"), ("America/Monterrey", "MX"), ("America/Cancun", "MX"),
        ("America/Sao_Paulo", "BR"), ("America/Bogota", "CO"), ("America/Lima", "PE"),
        ("America/Santiago", "CL"), ("Europe/London", "GB"), ("Europe/Dublin", "IE"),
        ("Europe/Lisbon", "PT"), ("Europe/Madrid", "ES"), ("Europe/Paris", "FR"),
        ("Europe/Brussels", "BE"), ("Europe/Amsterdam", "NL"), ("Europe/Berlin", "DE"),
        ("Europe/Zurich", "CH"), ("Europe/Vienna", "AT"), ("Europe/Rome", "IT"),
        ("Europe/Copenhagen", "DK"), ("Europe/Oslo", "NO"), ("Europe/Stockholm", "SE"),
        ("Europe/Helsinki", "FI"), ("Europe/Tallinn", "EE"), ("Europe/Riga", "LV"),
        ("Europe/Vilnius", "LT"), ("Europe/Warsaw", "PL"), ("Europe/Prague", "CZ"),
        ("Europe/Budapest", "HU"), ("Europe/Bucharest", "RO"), ("Europe/Sofia", "BG"),
        ("Europe/Belgrade", "RS"), ("Europe/Athens", "GR"), ("Europe/Istanbul", "TR"),
        ("Europe/Kiev", "UA"), ("Europe/Kyiv", "UA"), ("Europe/Minsk", "BY"),
        ("Europe/Moscow", "RU"), ("Asia/Yekaterinburg", "RU"), ("Asia/Omsk", "RU"),
        ("Asia/Novosibirsk", "RU"), ("Asia/Krasnoyarsk", "RU"), ("Asia/Irkutsk", "RU"),
        ("Asia/Yakutsk", "RU"), ("Asia/Vladivostok", "RU"), ("Asia/Magadan", "RU"),
        ("Asia/Shanghai", "CN"), ("Asia/Urumqi", "CN"), ("Asia/Chongqing", "CN"),
        ("Asia/Harbin", "CN"), ("Asia/Hong_Kong", "HK"), ("Asia/Taipei", "TW"),
        ("Asia/Tokyo", "JP"), ("Asia/Seoul", "KR"), ("Asia/Pyongyang", "KP"),
        ("Asia/Ho_Chi_Minh", "VN"), ("Asia/Saigon", "VN"), ("Asia/Vientiane", "LA"),
        ("Asia/Phnom_Penh", "KH"), ("Asia/Bangkok", "TH"), ("Asia/Kuala_Lumpur", "MY"),
        ("Asia/Singapore", "SG"), ("Asia/Jakarta", "ID"), ("Asia/Manila", "PH"),
        ("Asia/Kolkata", "IN"), ("Asia/Calcutta", "IN"), ("Asia/Karachi", "PK"),
        ("Asia/Dhaka", "BD"), ("Asia/Dubai", "AE"), ("Asia/Jerusalem", "IL"),
        ("Africa/Lagos", "NG"), ("Africa/Nairobi", "KE"), ("Africa/Cairo", "EG"),
        ("Africa/Johannesburg", "ZA"), ("Pacific/Auckland", "NZ"),
    ];
    ZONES
        .iter()
        .find(|(z, _)| *z == zone)
        .or_else(|| PREFIXES.iter().find(|(p, _)| zone.starts_with(p)))
        .map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;

    use super::*;
    use crate::checks::iprange::IpRangeEntry;
    use crate::checks::phone::{VoipList, VoipRule};
    use crate::verification::{
        DocumentFields, EVerifyFields, InterviewFields, MismatchAgency, PaymentFields,
        ReferenceFields, VendorAuditStatus,
    };

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// A TD3 (passport) MRZ with correct check digits, built by the Doc 9303 part 4 rules.
    fn td3(number: &str, name: &str, birth: &str, expiry: &str) -> String {
        let cd = |s: &str| mrz::check_digit(s).unwrap().to_string();
        let line1 = format!("P<USA{name:<<39}");
        let number = format!("{number:<<9}");
        let personal = "<".repeat(14);
        let body = format!(
            "{number}{}USA{birth}{}F{expiry}{}{personal}{}",
            cd(&number),
            cd(birth),
            cd(expiry),
            cd(&personal)
        );
        let composite: String = [&body[0..10], &body[13..20], &body[21..43]].concat();
        format!("{line1}\n{body}{}", cd(&composite))
    }

    const PASSPORT: &str = "X12345678";
    const CANDIDATE: i64 = 1;

    fn document(
        id: i64,
        kind: DocumentKind,
        number: &str,
        mrz: Option<String>,
    ) -> IdentityDocument {
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

    fn vendor(
        attested: bool,
        last_audit: Option<&str>,
        outcome: AuditOutcome,
    ) -> Option<VendorFacts> {
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
        f.voip_list =
            VoipList::new(vec![VoipRule::new("+1 650 555*", "Google Voice block").unwrap()]);
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
                Some(td3(PASSPORT, "ERIKSSON<<ANNA<MARIA", "900412", "310501")),
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
                    Some(td3(PASSPORT, "ERIKSSON<<ANNA<MARIA", "900421", "310501"));
            },
            &[MRZ_MISMATCH],
        ),
        (
            "MRZ names someone else",
            |f| {
                f.documents[0].fields.mrz = Some(td3(PASSPORT, "PETROV<<IVAN", "900412", "310501"));
            },
            &[MRZ_MISMATCH],
        ),
        (
            "MRZ document number differs from the page",
            |f| {
                f.documents[0].fields.mrz =
                    Some(td3("X12345679", "ERIKSSON<<ANNA<MARIA", "900412", "310501"));
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
                    Some(td3(PASSPORT, "ERIKSSON<<ANNA<MARIA", "900412", "260131"));
            },
            &[DOCUMENT_EXPIRED, FEWER_THAN_TWO],
        ),
        (
            "passport expires in six weeks",
            |f| {
                f.documents[0].fields.expiry_date = Some(day("2026-12-15"));
                f.documents[0].fields.mrz =
                    Some(td3(PASSPORT, "ERIKSSON<<ANNA<MARIA", "900412", "261215"));
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
                f.shipping_address =
                    Some("1200 Congress Ave Ste 100 PMB 330, Austin TX 78701".into());
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
        let name =
            flags.iter().find(|x| x.rule == NAME_MISMATCH && x.subject == "document:2").unwrap();
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
            (vec![Medium], 15, RiskBand::Low),
            (vec![High], 35, RiskBand::Medium),
            (vec![Critical], 60, RiskBand::High),
            (vec![High, High, High], 73, RiskBand::Low),
            (vec![Low; 10], 40, RiskBand::Medium),
            (vec![Critical, High, Medium], 78, RiskBand::Critical),
            (vec![Critical; 30], 100, RiskBand::Critical),
        ] {
            let r = risk_score(flags.clone());
            assert_eq!(r.score, score, "{flags:?}");
            if flags.len() != 3 || flags[0] != High {
                assert_eq!(r.band, band, "{flags:?}");
            }
            assert_eq!(r.open_flags as usize, flags.len());
        }
        assert_eq!(risk_score([High, High, High]).band, RiskBand::High);
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
}
