//! IP indicator lists: CIDR ranges of VPN exits, hosting providers, Tor relays, proxies and
//! countries, imported from CSV and indexed to answer "which entries contain this address",
//! exactly and with every overlapping entry (a VPN range inside a country range gives both).
//!
//! CIDR notation follows RFC 4632 (IPv4) and RFC 4291 section 2.3 (IPv6 prefixes).

mod csv_import;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

pub use csv_import::{CsvImportError, CsvProblem, parse_csv};

pub const CIDR_SOURCE: Source = Source::new(
    "RFC 4632 (Classless Inter-domain Routing) and RFC 4291 (IPv6 Addressing Architecture)",
    "RFC 4632 section 3.1; RFC 4291 sections 2.3 and 2.5.5.2",
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("empty value: an IP address or CIDR range was expected")]
    Empty,
    #[error("{text:?} is not an IPv4 or IPv6 address")]
    Address { text: String },
    #[error("{text:?} carries an IPv6 zone index (%…), which has no meaning in a shared list")]
    Zone { text: String },
    #[error("prefix length {text:?} is not a number")]
    Prefix { text: String },
    #[error("prefix length /{prefix} is longer than the {max} bits of an {family} address")]
    PrefixTooLong { prefix: u32, max: u8, family: &'static str },
    #[error("{text:?} has host bits set; the range it names is {network} (write that instead)")]
    HostBits { text: String, network: String },
}

/// A network prefix: an address with every host bit zero, and a prefix length.
///
/// Host bits set (`192.0.2.7/24`) are refused, not silently cleared: in an indicator list such a
/// line is as likely a wrong prefix length as a sloppy network address, and guessing either
/// way would flag the wrong people. The error names the network the text would clear to.
///
/// An IPv4-mapped IPv6 prefix (`::ffff:192.0.2.0/120`, RFC 4291 2.5.5.2) is stored as the IPv4
/// prefix it maps (`192.0.2.0/24`), and mapped addresses are looked up as IPv4, so the two
/// spellings of one host always meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(type = "string")]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// A prefix from an address and a length counted in that address's family; the address
    /// must have no host bits set. A mapped IPv6 prefix of length 96 or more becomes IPv4.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<Cidr, CidrError> {
        let (max, family) = if addr.is_ipv4() { (32, "IPv4") } else { (128, "IPv6") };
        if prefix > max {
            return Err(CidrError::PrefixTooLong { prefix: u32::from(prefix), max, family });
        }
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            other => (other, prefix),
        };
        let network = mask_ip(addr, prefix);
        if network != addr {
            return Err(CidrError::HostBits {
                text: format!("{addr}/{prefix}"),
                network: format!("{network}/{prefix}"),
            });
        }
        Ok(Cidr { network, prefix })
    }

    pub fn network(&self) -> IpAddr {
        self.network
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical_ip(ip);
        ip.is_ipv4() == self.network.is_ipv4() && mask_ip(ip, self.prefix) == self.network
    }

    /// The first and last address of the range.
    pub fn first_last(&self) -> (IpAddr, IpAddr) {
        match self.network {
            IpAddr::V4(a) => {
                let host = u32::MAX.checked_shr(u32::from(self.prefix)).unwrap_or(0);
                (IpAddr::V4(a), IpAddr::V4(Ipv4Addr::from(u32::from(a) | host)))
            }
            IpAddr::V6(a) => {
                let host = u128::MAX.checked_shr(u32::from(self.prefix)).unwrap_or(0);
                (IpAddr::V6(a), IpAddr::V6(Ipv6Addr::from(u128::from(a) | host)))
            }
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// `192.0.2.0/24`, `2001:db8::/32`, or a single address (`/32`, `/128` implied).
    fn from_str(text: &str) -> Result<Cidr, CidrError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CidrError::Empty);
        }
        let (addr_text, prefix_text) = match text.split_once('/') {
            Some((a, p)) => (a.trim(), Some(p.trim())),
            None => (text, None),
        };
        let addr = parse_ip(addr_text)?;
        let prefix = match prefix_text {
            None => match addr {
                IpAddr::V4(_) => 32,
                IpAddr::V6(_) => 128,
            },
            Some(p) => {
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(CidrError::Prefix { text: p.to_string() });
                }
                let n: u32 = p.parse().map_err(|_| CidrError::Prefix { text: p.to_string() })?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                u8::try_from(n).ok().filter(|n| *n <= max).ok_or(CidrError::PrefixTooLong {
                    prefix: n,
                    max,
                    family: if addr.is_ipv4() { "IPv4" } else { "IPv6" },
                })?
            }
        };
        Cidr::new(addr, prefix).map_err(|e| match e {
            CidrError::HostBits { network, .. } => {
                CidrError::HostBits { text: text.to_string(), network }
            }
            other => other,
        })
    }
}

impl Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Parse one IP address, trimming whitespace; a mapped IPv6 address is kept as written
/// (lookups treat it as IPv4).
pub fn parse_ip(text: &str) -> Result<IpAddr, CidrError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CidrError::Empty);
    }
    if text.contains('%') {
        return Err(CidrError::Zone { text: text.to_string() });
    }
    text.parse::<IpAddr>().map_err(|_| CidrError::Address { text: text.to_string() })
}

/// IPv4-mapped IPv6 addresses are IPv4 addresses (RFC 4291 2.5.5.2).
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn mask_v4(addr: u32, prefix: u8) -> u32 {
    // checked_shl: a shift by 32 (prefix 0) would overflow; the mask is then zero.
    addr & u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(addr: u128, prefix: u8) -> u128 {
    addr & u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

fn mask_ip(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(a), prefix.min(32)))),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(a), prefix.min(128)))),
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// The officially assigned ISO 3166-1 alpha-2 codes (249), plus XK, the user-assigned code
/// that the European Commission and most IP-geolocation data use for Kosovo.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ \
    EC EE EG EH ER ES ET FI FJ FK FM FO FR \
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU \
    ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
    LA LB LC LI LK LR LS LT LU LV LY \
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
    RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
    VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

impl CountryCode {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// What an indicator range stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(type = "string")]
pub enum IpCategory {
    Vpn,
    Hosting,
    Tor,
    Proxy,
    /// Allocated to or located in a country.
    Country(CountryCode),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    #[error("category is empty; expected vpn, hosting, tor, proxy or a two-letter country code")]
    Empty,
    #[error("{0:?} is not an ISO 3166-1 country code (the United Kingdom is GB)")]
    UnitedKingdom(String),
    #[error("{0:?} is not an assigned ISO 3166-1 alpha-2 country code")]
    UnknownCountry(String),
    #[error(
        "unknown category {0:?}; expected vpn, hosting, tor, proxy or a two-letter country code"
    )]
    Unknown(String),
}

impl FromStr for IpCategory {
    type Err = CategoryError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "" => Err(CategoryError::Empty),
            "vpn" => Ok(IpCategory::Vpn),
            "hosting" => Ok(IpCategory::Hosting),
            "tor" => Ok(IpCategory::Tor),
            "proxy" => Ok(IpCategory::Proxy),
            lower if lower.len() == 2 && lower.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let upper = t.to_ascii_uppercase();
                if upper == "UK" {
                    return Err(CategoryError::UnitedKingdom(t.to_string()));
                }
                if !ISO_3166_ALPHA2.split_whitespace().any(|c| c == upper) {
                    return Err(CategoryError::UnknownCountry(t.to_string()));
                }
                let b = upper.as_bytes();
                Ok(IpCategory::Country(CountryCode([b[0], b[1]])))
            }
            _ => Err(CategoryError::Unknown(t.to_string())),
        }
    }
}

impl fmt::Display for IpCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpCategory::Vpn => f.write_str("vpn"),
            IpCategory::Hosting => f.write_str("hosting"),
            IpCategory::Tor => f.write_str("tor"),
            IpCategory::Proxy => f.write_str("proxy"),
            IpCategory::Country(c) => f.write_str(c.as_str()),
        }
    }
}

impl Serialize for IpCategory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IpCategory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One range of one indicator list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct IpRangeEntry {
    pub cidr: Cidr,
    pub category: IpCategory,
    /// What the range is, e.g. the VPN provider or hosting company; may be empty.
    pub label: String,
    /// The list the entry came from, e.g. `vpn-providers-2026-11`.
    pub list: String,
}

/// All ranges of all lists, indexed for exact containment lookups.
///
/// One hash map per prefix length, keyed by the masked network: a lookup masks the address
/// once for each prefix length that occurs and probes one map, so it costs at most 33 (IPv4)
/// or 129 (IPv6) probes however many ranges there are, and every containing entry is found,
/// nested or not. Sorted intervals would need an interval tree to return all overlapping
/// ranges rather than one; a prefix trie would give the same answers with more code. Real lists
/// use a few dozen distinct lengths, so a lookup is a few dozen hash probes.
#[derive(Clone, Debug, Default)]
pub struct IpIndex {
    entries: Vec<IpRangeEntry>,
    v4: BTreeMap<u8, HashMap<u32, Vec<usize>>>,
    v6: BTreeMap<u8, HashMap<u128, Vec<usize>>>,
}

impl IpIndex {
    pub fn new() -> Self {
        IpIndex::default()
    }

    pub fn insert(&mut self, entry: IpRangeEntry) {
        let id = self.entries.len();
        let prefix = entry.cidr.prefix;
        match entry.cidr.network {
            IpAddr::V4(a) => {
                self.v4.entry(prefix).or_default().entry(u32::from(a)).or_default().push(id)
            }
            IpAddr::V6(a) => {
                self.v6.entry(prefix).or_default().entry(u128::from(a)).or_default().push(id)
            }
        }
        self.entries.push(entry);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[IpRangeEntry] {
        &self.entries
    }

    /// Every entry whose range contains `ip`, the most specific (longest prefix) first, entries
    /// of the same prefix in insertion order. An IPv4-mapped IPv6 address is looked up as IPv4.
    pub fn lookup(&self, ip: IpAddr) -> Vec<&IpRangeEntry> {
        let mut ids = Vec::new();
        match canonical_ip(ip) {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                for (prefix, map) in self.v4.iter().rev() {
                    if let Some(found) = map.get(&mask_v4(a, *prefix)) {
                        ids.extend_from_slice(found);
                    }
                }
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                for (prefix, map) in self.v6.iter().rev() {
                    if let Some(found) = map.get(&mask_v6(a, *prefix)) {
                        ids.extend_from_slice(found);
                    }
                }
            }
        }
        ids.into_iter().filter_map(|id| self.entries.get(id)).collect()
    }

    /// [`IpIndex::lookup`] as a serialisable result with findings.
    pub fn check(&self, ip: IpAddr) -> IpCheck {
        IpCheck {
            ip: ip.to_string(),
            looked_up_as: canonical_ip(ip).to_string(),
            matches: self.lookup(ip).into_iter().cloned().collect(),
            source: CIDR_SOURCE,
        }
    }
}

impl Extend<IpRangeEntry> for IpIndex {
    fn extend<T: IntoIterator<Item = IpRangeEntry>>(&mut self, iter: T) {
        for entry in iter {
            self.insert(entry);
        }
    }
}

impl FromIterator<IpRangeEntry> for IpIndex {
    fn from_iter<T: IntoIterator<Item = IpRangeEntry>>(iter: T) -> Self {
        let mut index = IpIndex::new();
        index.extend(iter);
        index
    }
}

/// The entries containing one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpCheck {
    /// The address as given.
    pub ip: String,
    /// The address as matched (IPv4 for an IPv4-mapped IPv6 address).
    pub looked_up_as: String,
    /// Most specific first.
    pub matches: Vec<IpRangeEntry>,
    pub source: Source,
}

impl IpCheck {
    /// VPN, hosting, Tor and proxy matches are warnings (the address hides where its user is);
    /// a country match is information, for comparison with the claimed location.
    pub fn findings(&self) -> Vec<Finding> {
        self.matches
            .iter()
            .map(|m| {
                let (check, outcome) = match m.category {
                    IpCategory::Country(_) => ("ip.country", Outcome::Info),
                    _ => ("ip.anonymising", Outcome::Warn),
                };
                let label =
                    if m.label.is_empty() { String::new() } else { format!(" ({})", m.label) };
                Finding::new(
                    check,
                    outcome,
                    format!(
                        "{} is in {} [{}]{label} of list {}",
                        self.ip, m.cidr, m.category, m.list
                    ),
                    self.source.clone(),
                )
            })
            .collect()
    }
}
