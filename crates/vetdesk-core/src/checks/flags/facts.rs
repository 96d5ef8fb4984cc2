//! The facts of one case, as the store gathers them for the rules.

use super::*;

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

/// A case of a linked candidate that was decided against them (rejected or referred), decided
/// or closed: the facts behind `link.decided_against`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecidedAgainst {
    pub candidate: CandidateId,
    pub case_id: CaseId,
    pub decision: Decision,
    pub status: CaseStatus,
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
    /// Cases of linked candidates decided rejected or referred.
    pub decided_against: Vec<DecidedAgainst>,
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
            decided_against: Vec::new(),
            vendor: None,
        }
    }
}
