//! IP indicator lists: CIDR ranges of VPN exits, hosting providers, Tor relays, proxies and
//! countries, imported from CSV and indexed to answer "which entries contain this address",
//! exactly and with every overlapping entry (a VPN range inside a country range gives both).
//!
//! CIDR notation follows RFC 4632 (IPv4) and RFC 4291 section 2.3 (IPv6 prefixes).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

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

/// One bad row of an indicator CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvProblem {
    /// Line in the file, from 1 (the header is line 1 unless comments precede it).
    #[ts(type = "number")]
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// An indicator CSV was refused; nothing of it was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("indicator list {list:?} refused, {} problem(s): {}", .problems.len(), summary(.problems))]
pub struct CsvImportError {
    pub list: String,
    pub problems: Vec<CsvProblem>,
}

fn summary(problems: &[CsvProblem]) -> String {
    const SHOWN: usize = 10;
    let mut parts: Vec<String> = problems.iter().take(SHOWN).map(|p| p.to_string()).collect();
    if problems.len() > SHOWN {
        parts.push(format!("and {} more", problems.len() - SHOWN));
    }
    parts.join("; ")
}

const COLUMNS: [&str; 3] = ["cidr", "category", "label"];

/// Read an indicator list: a CSV file with a header naming the columns `cidr`, `category` and
/// optionally `label`, in any order (names compared without case or surrounding spaces).
/// Unknown or repeated columns are refused by name. Lines starting with `#` are comments; blank
/// lines are skipped; quoted fields follow RFC 4180.
///
/// All or nothing: every bad row is reported with its line number, and if there is any, no
/// entry is returned.
pub fn parse_csv<R: Read>(mut reader: R, list: &str) -> Result<Vec<IpRangeEntry>, CsvImportError> {
    let refuse = |problems| CsvImportError { list: list.to_string(), problems };
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return Err(refuse(vec![CsvProblem {
            line: 0,
            column: None,
            message: format!("could not read the file: {e}"),
        }]));
    }
    let (records, mut problems) = logical_records(&bytes);
    let mut records = records.into_iter();

    let Some((header_line, header)) = records.next() else {
        problems.push(CsvProblem {
            line: 1,
            column: None,
            message: "the file has no header line; one naming cidr, category and label was \
                      expected"
                .to_string(),
        });
        return Err(refuse(problems));
    };
    let mut cidr_col = None;
    let mut category_col = None;
    let mut label_col = None;
    for (i, name) in header.iter().enumerate() {
        let key = name.to_ascii_lowercase();
        let slot = match key.as_str() {
            "cidr" => &mut cidr_col,
            "category" => &mut category_col,
            "label" => &mut label_col,
            _ => {
                problems.push(CsvProblem {
                    line: header_line,
                    column: Some(name.clone()),
                    message: format!(
                        "unknown column {name:?}; the columns are {}",
                        COLUMNS.join(", ")
                    ),
                });
                continue;
            }
        };
        if slot.is_some() {
            problems.push(CsvProblem {
                line: header_line,
                column: Some(key.clone()),
                message: format!("column {key:?} appears twice"),
            });
        }
        *slot = Some(i);
    }
    for (col, name) in [(cidr_col, "cidr"), (category_col, "category")] {
        if col.is_none() {
            problems.push(CsvProblem {
                line: header_line,
                column: Some(name.to_string()),
                message: format!("required column {name:?} is missing from the header"),
            });
        }
    }
    let (Some(cidr_col), Some(category_col)) = (cidr_col, category_col) else {
        return Err(refuse(problems));
    };
    let width = header.len();

    let mut entries = Vec::new();
    for (line, record) in records {
        if record.len() != width {
            problems.push(CsvProblem {
                line,
                column: None,
                message: format!("{} fields, but the header has {width}", record.len()),
            });
            continue;
        }
        let field = |i: usize| record.get(i).map_or("", String::as_str);
        let cidr = field(cidr_col).parse::<Cidr>().map_err(|e| CsvProblem {
            line,
            column: Some("cidr".to_string()),
            message: e.to_string(),
        });
        let category = field(category_col).parse::<IpCategory>().map_err(|e| CsvProblem {
            line,
            column: Some("category".to_string()),
            message: e.to_string(),
        });
        match (cidr, category) {
            (Ok(cidr), Ok(category)) => entries.push(IpRangeEntry {
                cidr,
                category,
                label: label_col.map(field).unwrap_or("").to_string(),
                list: list.to_string(),
            }),
            (cidr, category) => {
                problems.extend(cidr.err());
                problems.extend(category.err());
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    if problems.is_empty() { Ok(entries) } else { Err(refuse(problems)) }
}

/// Split the file into records with the line each starts on. The `csv` crate's own line
/// numbers drift when comment and blank lines are skipped, and a reviewer fixing a 100,000-line
/// file needs the exact line, so physical lines are tracked here and each record (one line, or
/// several when a quoted field spans lines) is handed to `csv` on its own.
fn logical_records(bytes: &[u8]) -> (Vec<(u64, Vec<String>)>, Vec<CsvProblem>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut pending: Option<(u64, String)> = None;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t,
            Err(_) => {
                problems.push(CsvProblem {
                    line: line_no,
                    column: None,
                    message: "the line is not valid UTF-8 text".to_string(),
                });
                continue;
            }
        };
        let (start, record) = match pending.take() {
            Some((start, mut so_far)) => {
                so_far.push('\n');
                so_far.push_str(text);
                (start, so_far)
            }
            None if text.trim().is_empty() || text.trim_start().starts_with('#') => continue,
            None => (line_no, text.to_string()),
        };
        // An odd number of quotes leaves a quoted field open: it continues on the next line.
        if record.matches('"').count() % 2 == 1 {
            pending = Some((start, record));
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(record.as_bytes());
        match reader.records().next() {
            Some(Ok(fields)) => records.push((start, fields.iter().map(str::to_string).collect())),
            Some(Err(e)) => {
                problems.push(CsvProblem { line: start, column: None, message: e.to_string() })
            }
            None => {}
        }
    }
    if let Some((start, _)) = pending {
        problems.push(CsvProblem {
            line: start,
            column: None,
            message: "a quoted field opened on this line is never closed".to_string(),
        });
    }
    (records, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidr_parsing_table() {
        // (input, Ok(canonical text) or Err(part of the message))
        let rows: [(&str, Result<&str, &str>); 26] = [
            ("192.0.2.0/24", Ok("192.0.2.0/24")),
            ("  192.0.2.0 / 24 ", Ok("192.0.2.0/24")),
            ("192.0.2.7", Ok("192.0.2.7/32")),
            ("192.0.2.7/32", Ok("192.0.2.7/32")),
            ("0.0.0.0/0", Ok("0.0.0.0/0")),
            ("2001:db8::/32", Ok("2001:db8::/32")),
            ("2001:DB8:0:0::/48", Ok("2001:db8::/48")),
            ("2001:db8::1", Ok("2001:db8::1/128")),
            ("::/0", Ok("::/0")),
            ("::1/128", Ok("::1/128")),
            ("::ffff:192.0.2.0/120", Ok("192.0.2.0/24")),
            ("::ffff:192.0.2.9", Ok("192.0.2.9/32")),
            ("::ffff:0:0/96", Ok("0.0.0.0/0")),
            ("::ffff:0:0/95", Err("the range it names is ::fffe:0:0/95")),
            ("192.0.2.7/24", Err("host bits set; the range it names is 192.0.2.0/24")),
            ("2001:db8::1/64", Err("the range it names is 2001:db8::/64")),
            ("192.0.2.0/33", Err("/33 is longer than the 32 bits of an IPv4")),
            ("2001:db8::/129", Err("/129 is longer than the 128 bits of an IPv6")),
            ("192.0.2.0/", Err("prefix length \"\" is not a number")),
            ("192.0.2.0/-1", Err("prefix length \"-1\" is not a number")),
            ("192.0.2.0/24/8", Err("prefix length \"24/8\"")),
            ("192.0.2/24", Err("\"192.0.2\" is not an IPv4 or IPv6 address")),
            ("010.0.2.0/24", Err("is not an IPv4 or IPv6 address")),
            ("fe80::1%eth0", Err("zone index")),
            ("", Err("empty value")),
            ("example.com", Err("not an IPv4 or IPv6 address")),
        ];
        for (text, want) in rows {
            let got = text.parse::<Cidr>().map(|c| c.to_string()).map_err(|e| e.to_string());
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, w, "{text:?}"),
                (Err(g), Err(w)) => assert!(g.contains(w), "{text:?}: {g}"),
                (g, w) => panic!("{text:?}: got {g:?}, wanted {w:?}"),
            }
        }
    }

    #[test]
    fn containment_at_the_edges() {
        let rows = [
            ("192.0.2.0/24", "192.0.2.0", true),
            ("192.0.2.0/24", "192.0.2.255", true),
            ("192.0.2.0/24", "192.0.1.255", false),
            ("192.0.2.0/24", "192.0.3.0", false),
            ("192.0.2.0/24", "::ffff:192.0.2.200", true),
            ("192.0.2.0/24", "2001:db8::c000:280", false),
            ("0.0.0.0/0", "255.255.255.255", true),
            ("0.0.0.0/0", "0.0.0.0", true),
            ("0.0.0.0/0", "::1", false),
            ("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
            ("::/0", "192.0.2.1", false),
            ("198.51.100.7/32", "198.51.100.7", true),
            ("198.51.100.7/32", "198.51.100.8", false),
            ("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true),
            ("2001:db8::/32", "2001:db9::", false),
            ("2001:db8::5/128", "2001:db8::5", true),
            ("2001:db8::5/128", "2001:db8::4", false),
        ];
        for (cidr, addr, inside) in rows {
            let c: Cidr = cidr.parse().unwrap();
            assert_eq!(c.contains(ip(addr)), inside, "{addr} in {cidr}");
            let index: IpIndex = [IpRangeEntry {
                cidr: c,
                category: IpCategory::Vpn,
                label: String::new(),
                list: "t".into(),
            }]
            .into_iter()
            .collect();
            assert_eq!(
                index.lookup(ip(addr)).len(),
                usize::from(inside),
                "index: {addr} in {cidr}"
            );
        }
        let c: Cidr = "192.0.2.0/24".parse().unwrap();
        assert_eq!(c.first_last(), (ip("192.0.2.0"), ip("192.0.2.255")));
        let c: Cidr = "0.0.0.0/0".parse().unwrap();
        assert_eq!(c.first_last(), (ip("0.0.0.0"), ip("255.255.255.255")));
        let c: Cidr = "2001:db8::/127".parse().unwrap();
        assert_eq!(c.first_last(), (ip("2001:db8::"), ip("2001:db8::1")));
    }

    #[test]
    fn overlapping_entries_of_different_lists_are_all_returned() {
        let csv_countries = "cidr,category,label\n203.0.113.0/24,KP,Country range\n";
        let csv_vpn = "label,cidr,category\nExampleVPN exit,203.0.113.64/26,vpn\nExampleVPN host,203.0.113.77,vpn\n";
        let mut index = IpIndex::new();
        index.extend(parse_csv(csv_countries.as_bytes(), "countries").unwrap());
        index.extend(parse_csv(csv_vpn.as_bytes(), "vpn").unwrap());
        let found: Vec<(String, String)> = index
            .lookup(ip("203.0.113.77"))
            .iter()
            .map(|e| (e.cidr.to_string(), e.list.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("203.0.113.77/32".to_string(), "vpn".to_string()),
                ("203.0.113.64/26".to_string(), "vpn".to_string()),
                ("203.0.113.0/24".to_string(), "countries".to_string()),
            ]
        );
        let check = index.check(ip("::ffff:203.0.113.70"));
        assert_eq!(check.looked_up_as, "203.0.113.70");
        let findings = check.findings();
        assert_eq!(findings.len(), 2);
        assert_eq!(
            (findings[0].check.as_str(), findings[0].outcome),
            ("ip.anonymising", Outcome::Warn)
        );
        assert_eq!(
            (findings[1].check.as_str(), findings[1].outcome),
            ("ip.country", Outcome::Info)
        );
        let json = serde_json::to_value(&check).unwrap();
        assert_eq!(json["matches"][1]["category"], "KP");
        assert_eq!(serde_json::from_value::<IpCheck>(json).unwrap(), check);
    }

    #[test]
    fn csv_errors_name_every_bad_line_and_nothing_is_imported() {
        let text = "# exported 2026-11-20\n\
                    cidr,category,label\n\
                    192.0.2.0/24,vpn,ok\n\
                    192.0.2.7/24,vpn,host bits\n\
                    \n\
                    198.51.100.0/24,UK,wrong code\n\
                    198.51.100.0/24,residential,unknown category\n\
                    2001:db8::/32,hosting\n\
                    not-an-ip,tor,bad\n";
        let err = parse_csv(text.as_bytes(), "mixed").unwrap_err();
        let lines: Vec<(u64, Option<&str>)> =
            err.problems.iter().map(|p| (p.line, p.column.as_deref())).collect();
        assert_eq!(
            lines,
            vec![
                (4, Some("cidr")),
                (6, Some("category")),
                (7, Some("category")),
                (8, None),
                (9, Some("cidr")),
            ]
        );
        let message = err.to_string();
        assert!(message.contains("5 problem(s)"), "{message}");
        assert!(message.contains("line 6, column category"), "{message}");
        assert!(message.contains("GB"), "{message}");
    }

    #[test]
    fn csv_header_rules() {
        let rows: [(&str, Result<usize, &str>); 9] = [
            ("cidr,category,label\n192.0.2.0/24,vpn,x\n", Ok(1)),
            ("\u{feff}CIDR , Category\n192.0.2.0/24,tor\n", Ok(1)),
            ("category,cidr\nus,192.0.2.0/24\n", Ok(1)),
            ("cidr,category,label\n", Ok(0)),
            ("", Err("the file has no header line")),
            ("# only a comment\n\n", Err("the file has no header line")),
            ("cidr,category,label,asn\n192.0.2.0/24,vpn,x,64500\n", Err("unknown column \"asn\"")),
            ("cidr,label\n192.0.2.0/24,x\n", Err("required column \"category\" is missing")),
            ("cidr,category,cidr\n", Err("column \"cidr\" appears twice")),
        ];
        for (text, want) in rows {
            match (parse_csv(text.as_bytes(), "t"), want) {
                (Ok(entries), Ok(n)) => assert_eq!(entries.len(), n, "{text:?}"),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{text:?}: {e}"),
                (got, want) => panic!("{text:?}: got {got:?}, wanted {want:?}"),
            }
        }
        let entries = parse_csv("category,cidr\nus,192.0.2.0/24\n".as_bytes(), "geo").unwrap();
        assert_eq!(entries[0].category.to_string(), "US");
        assert_eq!(entries[0].label, "");
        assert_eq!(entries[0].list, "geo");
        // Quoted labels may hold commas and line breaks; line numbers stay exact after them.
        let quoted = "cidr,category,label\r\n192.0.2.0/24,vpn,\"Example, Inc.\nexit nodes\"\r\n\r\n198.51.100.0/24,xx,bad\r\n";
        let err = parse_csv(quoted.as_bytes(), "t").unwrap_err();
        assert_eq!(
            (err.problems[0].line, err.problems[0].column.as_deref()),
            (5, Some("category"))
        );
        let fixed = quoted.replace(",xx,", ",kp,");
        let ok = parse_csv(fixed.as_bytes(), "t").unwrap();
        assert_eq!(ok[0].label, "Example, Inc.\nexit nodes");
        let open = "cidr,category,label\n192.0.2.0/24,vpn,\"never closed\n";
        let err = parse_csv(open.as_bytes(), "t").unwrap_err();
        assert_eq!(err.problems[0].line, 2);
        assert!(err.problems[0].message.contains("never closed"));
        let bad_utf8: &[u8] = b"cidr,category\n192.0.2.0/24,\xff\xfe\n";
        let err = parse_csv(bad_utf8, "t").unwrap_err();
        assert_eq!(err.problems[0].line, 2);
        assert!(err.problems[0].message.contains("UTF-8"));
    }

    /// 100,000 random ranges (nested and overlapping by construction of random prefixes) and
    /// 1,000 random addresses: the index must give exactly the brute-force answer.
    #[test]
    fn index_agrees_with_brute_force_on_100k_random_ranges() {
        let mut rng = StdRng::seed_from_u64(0x5eed_2026);
        let mut entries = Vec::with_capacity(100_000);
        for i in 0..100_000 {
            let (addr, prefix) = if i % 4 == 3 {
                // IPv6 inside 2001:db8::/32 so that random queries land in some of them.
                let a: u128 = (0x2001_0db8u128 << 96) | (rng.random::<u128>() >> 32);
                (IpAddr::V6(Ipv6Addr::from(a)), rng.random_range(32..=128u8))
            } else {
                // IPv4 in 10.0.0.0/8 with mostly long prefixes, some short ones that nest them.
                let a: u32 = 0x0a00_0000 | (rng.random::<u32>() >> 8);
                let prefix = if i % 50 == 0 {
                    rng.random_range(8..=16u8)
                } else {
                    rng.random_range(16..=32u8)
                };
                (IpAddr::V4(Ipv4Addr::from(a)), prefix)
            };
            let cidr = Cidr::new(mask_ip(addr, prefix), prefix).unwrap();
            let category = if i % 2 == 0 { IpCategory::Vpn } else { IpCategory::Hosting };
            entries.push(IpRangeEntry {
                cidr,
                category,
                label: format!("r{i}"),
                list: "random".into(),
            });
        }
        let index: IpIndex = entries.iter().cloned().collect();
        assert_eq!(index.len(), 100_000);

        let mut total_matches = 0;
        for q in 0..1_000 {
            let addr = match q % 4 {
                // Half the queries start from a random entry, so that many do hit.
                0 | 1 => {
                    let e = &entries[rng.random_range(0..entries.len())];
                    let (first, last) = e.cidr.first_last();
                    if q % 2 == 0 { first } else { last }
                }
                2 => IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | (rng.random::<u32>() >> 8))),
                _ => IpAddr::V6(Ipv6Addr::from(
                    (0x2001_0db8u128 << 96) | (rng.random::<u128>() >> 32),
                )),
            };
            let mut fast: Vec<&str> = index.lookup(addr).iter().map(|e| e.label.as_str()).collect();
            let mut slow: Vec<&str> = entries
                .iter()
                .filter(|e| e.cidr.contains(addr))
                .map(|e| e.label.as_str())
                .collect();
            fast.sort_unstable();
            slow.sort_unstable();
            assert_eq!(fast, slow, "{addr}");
            total_matches += slow.len();
        }
        // The test only means something if it exercised real matches, nested ones included.
        assert!(total_matches > 1_000, "only {total_matches} matches");
    }
}
