//! The catalogue of rules: each with its stable id, severity, title, why it matters and the
//! public source it follows.

use super::*;

// ---- sources ----

pub(super) const NYDFS: &str = "NYDFS Industry Letter and FBI guidance on remote technology workers tied to \
                     the DPRK, 1 November 2024";
pub(super) const CHAFETZ: &str = "Glenn Chafetz, \"Why the North Korean Remote IT Worker Threat Persists and \
                       Continues to Damage U.S. National Security\", 2025";
pub(super) const ICAO: &str =
    "ICAO Doc 9303, Machine Readable Travel Documents, 8th edition (2021)";
pub(super) const EVERIFY: &str = "E-Verify User Manual (M-775), USCIS";

pub(super) const fn src(document: &'static str, section: &'static str) -> Source {
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
