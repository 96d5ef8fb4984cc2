//! US postal addresses: normalise them the way USPS Publication 28 writes them (upper case, no
//! punctuation, standard suffix, unit and directional abbreviations, two-letter states, ZIP+4),
//! build a comparison key so that one place written two ways compares equal, and tell a street
//! address from a PO box or a private mailbox at a commercial mail receiving agency (CMRA).
//!
//! Equipment shipped to a PO box, a PMB or an address shared by several candidates is a
//! classic sign of a laptop farm, which is why the kind and what matched are reported.
//!
//! This is a normaliser, not an address database: it cannot tell whether a street exists,
//! and without commas or line breaks it can only find where the street ends and the city
//! begins after a street suffix or a unit.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

const PUB28: &str = "USPS Publication 28, Postal Addressing Standards";
pub const PUB28_SOURCE: Source = Source::new(
    PUB28,
    "2 Postal addressing standards; Appendix C1 street suffixes, C2 secondary unit designators",
);
const PO_BOX_SOURCE: Source =
    Source::new(PUB28, "28 Post Office Box addresses (Caller, Bin, Lockbox, Drawer as PO BOX)");
const PMB_SOURCE: Source = Source::new(
    "USPS Domestic Mail Manual (DMM) 508",
    "1.8 Commercial Mail Receiving Agencies: PMB or # in the delivery address",
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("no address: the input is empty")]
    Empty,
    #[error("{input:?} holds no delivery line (street, PO box or private mailbox)")]
    NoDeliveryLine { input: String },
}

/// What kind of delivery point an address names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// A house or building number on a street (or a rural route box, which is at a home).
    Street,
    /// A post office box, caller service, bin, lockbox, drawer, general delivery, or a
    /// military post office box (PSC/CMR/UNIT … BOX …).
    PoBox,
    /// A private mailbox at a commercial mail receiving agency (a UPS Store and the like).
    Pmb,
    /// Neither could be recognised.
    Unknown,
}

/// An address as USPS Publication 28 writes it, with its comparison key and kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NormalizedAddress {
    pub input: String,
    /// The delivery address line, e.g. `123 N MAIN ST APT 4` or `PO BOX 1207`.
    pub delivery_line: String,
    pub city: Option<String>,
    /// Two-letter USPS state or territory code.
    pub state: Option<String>,
    pub zip5: Option<String>,
    pub zip4: Option<String>,
    /// The whole address on one line: `123 N MAIN ST APT 4, SPRINGFIELD IL 62704-1234`.
    pub normalized: String,
    /// Equal keys mean the same delivery point; see [`same_place`] for addresses that lack
    /// a ZIP code or a city.
    pub key: String,
    pub kind: AddressKind,
    /// The words that decided the kind, normalised (e.g. `PO BOX 12`, `PMB 330`, `123`).
    pub matched: Option<String>,
    /// Which rule decided the kind: `po_box`, `caller`, `bin`, `lockbox`, `drawer`,
    /// `general_delivery`, `military`, `pmb`, `cmra_second_unit`, `rural_route`,
    /// `street_number`.
    pub rule: Option<String>,
    /// What was set aside or assumed while reading (a recipient line, a country name …).
    pub notes: Vec<String>,
}

impl NormalizedAddress {
    pub fn findings(&self) -> Vec<Finding> {
        let matched = self.matched.clone().unwrap_or_default();
        let (outcome, message, source) = match self.kind {
            AddressKind::Street => {
                (Outcome::Info, format!("{} is a street address", self.normalized), PUB28_SOURCE)
            }
            AddressKind::PoBox => (
                Outcome::Warn,
                format!(
                    "{} is a post office box ({matched}): no one lives there to receive \
                     equipment",
                    self.normalized
                ),
                PO_BOX_SOURCE,
            ),
            AddressKind::Pmb => (
                Outcome::Warn,
                format!(
                    "{} is a private mailbox at a commercial mail receiving agency ({matched})",
                    self.normalized
                ),
                PMB_SOURCE,
            ),
            AddressKind::Unknown => (
                Outcome::Warn,
                format!("{:?}: no street number, PO box or private mailbox recognised", self.input),
                PUB28_SOURCE,
            ),
        };
        vec![Finding::new(
            format!("address.kind.{}", kind_str(self.kind)),
            outcome,
            message,
            source,
        )]
    }
}

fn kind_str(kind: AddressKind) -> &'static str {
    match kind {
        AddressKind::Street => "street",
        AddressKind::PoBox => "po_box",
        AddressKind::Pmb => "pmb",
        AddressKind::Unknown => "unknown",
    }
}

/// Whether two addresses name the same delivery point: the same delivery key, and the same
/// ZIP5 when both have one, otherwise the same city and state. Two addresses of which neither
/// gives a place (no ZIP, no city) are not called the same: "123 MAIN ST" is in every town.
pub fn same_place(a: &NormalizedAddress, b: &NormalizedAddress) -> bool {
    if delivery_key(&a.key) != delivery_key(&b.key) {
        return false;
    }
    match (&a.zip5, &b.zip5) {
        (Some(x), Some(y)) => x == y,
        _ => match (&a.city, &a.state, &b.city, &b.state) {
            (Some(c1), Some(s1), Some(c2), Some(s2)) => {
                s1 == s2 && locality_words(c1) == locality_words(c2)
            }
            _ => false,
        },
    }
}

fn delivery_key(key: &str) -> &str {
    key.rsplit_once('|').map_or(key, |(d, _)| d)
}

// ---------------------------------------------------------------------------------------------
// Tables (USPS Publication 28 appendices)

/// Appendix C1: standard suffix abbreviation, then the spellings that map to it (the full
/// name and the common variants USPS lists).
const SUFFIXES: &[(&str, &[&str])] = &[
    ("ALY", &["ALLEY", "ALLEE", "ALLY"]),
    ("ANX", &["ANNEX", "ANEX", "ANNX"]),
    ("ARC", &["ARCADE"]),
    ("AVE", &["AVENUE", "AV", "AVEN", "AVENU", "AVN", "AVNUE"]),
    ("BYU", &["BAYOU", "BAYOO"]),
    ("BCH", &["BEACH"]),
    ("BND", &["BEND"]),
    ("BLF", &["BLUFF", "BLUF"]),
    ("BLFS", &["BLUFFS"]),
    ("BTM", &["BOTTOM", "BOT", "BOTTM"]),
    ("BLVD", &["BOULEVARD", "BOUL", "BOULV"]),
    ("BR", &["BRANCH", "BRNCH"]),
    ("BRG", &["BRIDGE", "BRDGE"]),
    ("BRK", &["BROOK"]),
    ("BRKS", &["BROOKS"]),
    ("BG", &["BURG"]),
    ("BYP", &["BYPASS", "BYPA", "BYPAS", "BYPS"]),
    ("CP", &["CAMP", "CMP"]),
    ("CYN", &["CANYON", "CANYN", "CNYN"]),
    ("CPE", &["CAPE"]),
    ("CSWY", &["CAUSEWAY", "CAUSWA"]),
    ("CTR", &["CENTER", "CEN", "CENT", "CENTR", "CENTRE", "CNTER", "CNTR"]),
    ("CIR", &["CIRCLE", "CIRC", "CIRCL", "CRCL", "CRCLE"]),
    ("CIRS", &["CIRCLES"]),
    ("CLF", &["CLIFF"]),
    ("CLFS", &["CLIFFS"]),
    ("CLB", &["CLUB"]),
    ("CMN", &["COMMON"]),
    ("CMNS", &["COMMONS"]),
    ("COR", &["CORNER"]),
    ("CORS", &["CORNERS"]),
    ("CRSE", &["COURSE"]),
    ("CT", &["COURT"]),
    ("CTS", &["COURTS"]),
    ("CV", &["COVE"]),
    ("CVS", &["COVES"]),
    ("CRK", &["CREEK"]),
    ("CRES", &["CRESCENT", "CRSENT", "CRSNT"]),
    ("CRST", &["CREST"]),
    ("XING", &["CROSSING", "CRSSNG"]),
    ("XRD", &["CROSSROAD"]),
    ("XRDS", &["CROSSROADS"]),
    ("CURV", &["CURVE"]),
    ("DL", &["DALE"]),
    ("DM", &["DAM"]),
    ("DV", &["DIVIDE", "DIV", "DVD"]),
    ("DR", &["DRIVE", "DRIV", "DRV"]),
    ("DRS", &["DRIVES"]),
    ("EST", &["ESTATE"]),
    ("ESTS", &["ESTATES"]),
    ("EXPY", &["EXPRESSWAY", "EXP", "EXPR", "EXPRESS", "EXPW"]),
    ("EXT", &["EXTENSION", "EXTN", "EXTNSN"]),
    ("EXTS", &["EXTENSIONS"]),
    ("FLS", &["FALLS"]),
    ("FRY", &["FERRY", "FRRY"]),
    ("FLD", &["FIELD"]),
    ("FLDS", &["FIELDS"]),
    ("FLT", &["FLAT"]),
    ("FLTS", &["FLATS"]),
    ("FRD", &["FORD"]),
    ("FRDS", &["FORDS"]),
    ("FRST", &["FOREST", "FORESTS"]),
    ("FRG", &["FORGE", "FORG"]),
    ("FRGS", &["FORGES"]),
    ("FRK", &["FORK"]),
    ("FRKS", &["FORKS"]),
    ("FT", &["FORT", "FRT"]),
    ("FWY", &["FREEWAY", "FREEWY", "FRWAY", "FRWY"]),
    ("GDN", &["GARDEN", "GARDN", "GRDEN", "GRDN"]),
    ("GDNS", &["GARDENS", "GRDNS"]),
    ("GTWY", &["GATEWAY", "GATEWY", "GATWAY", "GTWAY"]),
    ("GLN", &["GLEN"]),
    ("GLNS", &["GLENS"]),
    ("GRN", &["GREEN"]),
    ("GRNS", &["GREENS"]),
    ("GRV", &["GROVE", "GROV"]),
    ("GRVS", &["GROVES"]),
    ("HBR", &["HARBOR", "HARB", "HARBR", "HRBOR"]),
    ("HBRS", &["HARBORS"]),
    ("HVN", &["HAVEN"]),
    ("HTS", &["HEIGHTS", "HT"]),
    ("HWY", &["HIGHWAY", "HIGHWY", "HIWAY", "HIWY", "HWAY"]),
    ("HL", &["HILL"]),
    ("HLS", &["HILLS"]),
    ("HOLW", &["HOLLOW", "HLLW", "HOLLOWS", "HOLWS"]),
    ("INLT", &["INLET"]),
    ("IS", &["ISLAND", "ISLND"]),
    ("ISS", &["ISLANDS", "ISLNDS"]),
    ("ISLE", &["ISLES"]),
    ("JCT", &["JUNCTION", "JCTION", "JCTN", "JUNCTN", "JUNCTON"]),
    ("JCTS", &["JUNCTIONS", "JCTNS"]),
    ("KY", &["KEY"]),
    ("KYS", &["KEYS"]),
    ("KNL", &["KNOLL", "KNOL"]),
    ("KNLS", &["KNOLLS"]),
    ("LK", &["LAKE"]),
    ("LKS", &["LAKES"]),
    ("LNDG", &["LANDING", "LNDNG"]),
    ("LN", &["LANE"]),
    ("LGT", &["LIGHT"]),
    ("LGTS", &["LIGHTS"]),
    ("LF", &["LOAF"]),
    ("LCK", &["LOCK"]),
    ("LCKS", &["LOCKS"]),
    ("LDG", &["LODGE", "LDGE", "LODG"]),
    ("LOOP", &["LOOPS"]),
    ("MNR", &["MANOR"]),
    ("MNRS", &["MANORS"]),
    ("MDW", &["MEADOW"]),
    ("MDWS", &["MEADOWS", "MEDOWS"]),
    ("ML", &["MILL"]),
    ("MLS", &["MILLS"]),
    ("MSN", &["MISSION", "MISSN", "MSSN"]),
    ("MTWY", &["MOTORWAY"]),
    ("MT", &["MOUNT", "MNT"]),
    ("MTN", &["MOUNTAIN", "MNTAIN", "MNTN", "MOUNTIN", "MTIN"]),
    ("MTNS", &["MOUNTAINS", "MNTNS"]),
    ("NCK", &["NECK"]),
    ("ORCH", &["ORCHARD", "ORCHRD"]),
    ("OVAL", &["OVL"]),
    ("OPAS", &["OVERPASS"]),
    ("PARK", &["PRK", "PARKS"]),
    ("PKWY", &["PARKWAY", "PARKWY", "PKWAY", "PKY", "PARKWAYS", "PKWYS"]),
    ("PSGE", &["PASSAGE"]),
    ("PATH", &["PATHS"]),
    ("PIKE", &["PIKES"]),
    ("PNE", &["PINE"]),
    ("PNES", &["PINES"]),
    ("PL", &["PLACE"]),
    ("PLN", &["PLAIN"]),
    ("PLNS", &["PLAINS"]),
    ("PLZ", &["PLAZA", "PLZA"]),
    ("PT", &["POINT"]),
    ("PTS", &["POINTS"]),
    ("PRT", &["PORT"]),
    ("PRTS", &["PORTS"]),
    ("PR", &["PRAIRIE", "PRR"]),
    ("RADL", &["RADIAL", "RAD", "RADIEL"]),
    ("RNCH", &["RANCH", "RANCHES", "RNCHS"]),
    ("RPD", &["RAPID"]),
    ("RPDS", &["RAPIDS"]),
    ("RST", &["REST"]),
    ("RDG", &["RIDGE", "RDGE"]),
    ("RDGS", &["RIDGES"]),
    ("RIV", &["RIVER", "RVR", "RIVR"]),
    ("RD", &["ROAD"]),
    ("RDS", &["ROADS"]),
    ("RTE", &["ROUTE"]),
    ("SHL", &["SHOAL"]),
    ("SHLS", &["SHOALS"]),
    ("SHR", &["SHORE", "SHOAR"]),
    ("SHRS", &["SHORES", "SHOARS"]),
    ("SKWY", &["SKYWAY"]),
    ("SPG", &["SPRING", "SPNG", "SPRNG"]),
    ("SPGS", &["SPRINGS", "SPNGS", "SPRNGS"]),
    ("SPUR", &["SPURS"]),
    ("SQ", &["SQUARE", "SQR", "SQRE", "SQU"]),
    ("SQS", &["SQUARES", "SQRS"]),
    ("STA", &["STATION", "STATN", "STN"]),
    ("STRA", &["STRAVENUE", "STRAV", "STRAVEN", "STRAVN", "STRVN", "STRVNUE"]),
    ("STRM", &["STREAM", "STREME"]),
    ("ST", &["STREET", "STRT", "STR"]),
    ("STS", &["STREETS"]),
    ("SMT", &["SUMMIT", "SUMIT", "SUMITT"]),
    ("TER", &["TERRACE", "TERR"]),
    ("TRWY", &["THROUGHWAY"]),
    ("TRCE", &["TRACE", "TRACES"]),
    ("TRAK", &["TRACK", "TRACKS", "TRK", "TRKS"]),
    ("TRFY", &["TRAFFICWAY"]),
    ("TRL", &["TRAIL", "TRAILS", "TRLS"]),
    ("TRLR", &["TRAILER", "TRLRS"]),
    ("TUNL", &["TUNNEL", "TUNEL", "TUNLS", "TUNNELS", "TUNNL"]),
    ("TPKE", &["TURNPIKE", "TRNPK", "TURNPK"]),
    ("UPAS", &["UNDERPASS"]),
    ("UN", &["UNION"]),
    ("UNS", &["UNIONS"]),
    ("VLY", &["VALLEY", "VALLY", "VLLY"]),
    ("VLYS", &["VALLEYS"]),
    ("VIA", &["VIADUCT", "VDCT", "VIADCT"]),
    ("VW", &["VIEW"]),
    ("VWS", &["VIEWS"]),
    ("VLG", &["VILLAGE", "VILL", "VILLAG", "VILLG", "VILLIAGE"]),
    ("VLGS", &["VILLAGES"]),
    ("VL", &["VILLE"]),
    ("VIS", &["VISTA", "VIST", "VST", "VSTA"]),
    ("WALK", &["WALKS"]),
    ("WAY", &["WY"]),
    ("WL", &["WELL"]),
    ("WLS", &["WELLS"]),
    // Suffixes whose standard form is the word itself.
    ("FALL", &[]),
    ("LAND", &[]),
    ("MALL", &[]),
    ("MEWS", &[]),
    ("PASS", &[]),
    ("RAMP", &[]),
    ("ROW", &[]),
    ("RUE", &[]),
    ("RUN", &[]),
    ("WALL", &[]),
    ("WAYS", &[]),
];

fn suffix(word: &str) -> Option<&'static str> {
    SUFFIXES
        .iter()
        .find(|(std, variants)| *std == word || variants.contains(&word))
        .map(|(std, _)| *std)
}

const DIRECTIONALS: &[(&str, &str)] = &[
    ("NORTH", "N"),
    ("SOUTH", "S"),
    ("EAST", "E"),
    ("WEST", "W"),
    ("NORTHEAST", "NE"),
    ("NORTHWEST", "NW"),
    ("SOUTHEAST", "SE"),
    ("SOUTHWEST", "SW"),
];

fn directional(word: &str) -> Option<&'static str> {
    DIRECTIONALS.iter().find(|(full, abbr)| *full == word || *abbr == word).map(|(_, abbr)| *abbr)
}

/// Appendix C2: secondary unit designators, standard form, spellings, and whether a number
/// must follow.
const UNITS: &[(&str, &[&str], bool)] = &[
    ("APT", &["APARTMENT", "APPT"], true),
    ("BSMT", &["BASEMENT"], false),
    ("BLDG", &["BUILDING", "BLD"], true),
    ("DEPT", &["DEPARTMENT"], true),
    ("FL", &["FLOOR", "FLR"], true),
    ("FRNT", &["FRONT"], false),
    ("HNGR", &["HANGAR"], true),
    ("KEY", &[], true),
    ("LBBY", &["LOBBY"], false),
    ("LOT", &[], true),
    ("LOWR", &["LOWER"], false),
    ("OFC", &["OFFICE"], false),
    ("PH", &["PENTHOUSE"], false),
    ("PIER", &[], true),
    ("REAR", &[], false),
    ("RM", &["ROOM"], true),
    ("SIDE", &[], false),
    ("SLIP", &[], true),
    ("SPC", &["SPACE"], true),
    ("STOP", &[], true),
    ("STE", &["SUITE"], true),
    ("TRLR", &["TRAILER"], true),
    ("UNIT", &[], true),
    ("UPPR", &["UPPER"], false),
    ("#", &[], true),
];

fn unit_designator(word: &str) -> Option<(&'static str, bool)> {
    UNITS
        .iter()
        .find(|(std, variants, _)| *std == word || variants.contains(&word))
        .map(|(std, _, numbered)| (*std, *numbered))
}

/// USPS state and territory codes with their names and old abbreviations.
const STATES: &[(&str, &[&str])] = &[
    ("AL", &["ALABAMA", "ALA"]),
    ("AK", &["ALASKA"]),
    ("AZ", &["ARIZONA", "ARIZ"]),
    ("AR", &["ARKANSAS", "ARK"]),
    ("CA", &["CALIFORNIA", "CALIF", "CAL"]),
    ("CO", &["COLORADO", "COLO"]),
    ("CT", &["CONNECTICUT", "CONN"]),
    ("DE", &["DELAWARE", "DEL"]),
    ("DC", &["DISTRICT OF COLUMBIA", "WASHINGTON DC"]),
    ("FL", &["FLORIDA", "FLA"]),
    ("GA", &["GEORGIA"]),
    ("HI", &["HAWAII"]),
    ("ID", &["IDAHO"]),
    ("IL", &["ILLINOIS", "ILL"]),
    ("IN", &["INDIANA", "IND"]),
    ("IA", &["IOWA"]),
    ("KS", &["KANSAS", "KANS", "KAN"]),
    ("KY", &["KENTUCKY"]),
    ("LA", &["LOUISIANA"]),
    ("ME", &["MAINE"]),
    ("MD", &["MARYLAND"]),
    ("MA", &["MASSACHUSETTS", "MASS"]),
    ("MI", &["MICHIGAN", "MICH"]),
    ("MN", &["MINNESOTA", "MINN"]),
    ("MS", &["MISSISSIPPI", "MISS"]),
    ("MO", &["MISSOURI"]),
    ("MT", &["MONTANA", "MONT"]),
    ("NE", &["NEBRASKA", "NEBR"]),
    ("NV", &["NEVADA", "NEV"]),
    ("NH", &["NEW HAMPSHIRE"]),
    ("NJ", &["NEW JERSEY"]),
    ("NM", &["NEW MEXICO"]),
    ("NY", &["NEW YORK"]),
    ("NC", &["NORTH CAROLINA"]),
    ("ND", &["NORTH DAKOTA"]),
    ("OH", &["OHIO"]),
    ("OK", &["OKLAHOMA", "OKLA"]),
    ("OR", &["OREGON", "OREG", "ORE"]),
    ("PA", &["PENNSYLVANIA", "PENN", "PENNA"]),
    ("RI", &["RHODE ISLAND"]),
    ("SC", &["SOUTH CAROLINA"]),
    ("SD", &["SOUTH DAKOTA"]),
    ("TN", &["TENNESSEE", "TENN"]),
    ("TX", &["TEXAS", "TEX"]),
    ("UT", &["UTAH"]),
    ("VT", &["VERMONT"]),
    ("VA", &["VIRGINIA"]),
    ("WA", &["WASHINGTON", "WASH"]),
    ("WV", &["WEST VIRGINIA"]),
    ("WI", &["WISCONSIN", "WIS", "WISC"]),
    ("WY", &["WYOMING", "WYO"]),
    ("AS", &["AMERICAN SAMOA"]),
    ("GU", &["GUAM"]),
    ("MP", &["NORTHERN MARIANA ISLANDS"]),
    ("PR", &["PUERTO RICO"]),
    ("VI", &["VIRGIN ISLANDS", "US VIRGIN ISLANDS"]),
    ("FM", &["FEDERATED STATES OF MICRONESIA", "MICRONESIA"]),
    ("MH", &["MARSHALL ISLANDS"]),
    ("PW", &["PALAU"]),
    // Military "states" of APO/FPO/DPO addresses.
    ("AA", &[]),
    ("AE", &[]),
    ("AP", &[]),
];

/// The state written by the last `n` words of `words`, if they are one.
fn state_at_end(words: &[String]) -> Option<(&'static str, usize)> {
    // Longest first: "WEST VIRGINIA" before "VIRGINIA", "WASHINGTON DC" before "DC".
    for n in (1..=4).rev() {
        let Some(start) = words.len().checked_sub(n) else {
            continue;
        };
        let phrase = words[start..].join(" ");
        for (code, names) in STATES {
            if (n == 1 && *code == phrase) || names.contains(&phrase.as_str()) {
                return Some((code, n));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Upper-case ASCII words, grouped by line or comma-separated part.
fn segments(text: &str) -> Vec<Vec<String>> {
    let ascii = deunicode::deunicode(text).to_ascii_uppercase();
    let mut out = Vec::new();
    for part in ascii.split(['\n', '\r', ',', ';']) {
        let mut cleaned = String::new();
        let chars: Vec<char> = part.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            match c {
                'A'..='Z' | '0'..='9' => cleaned.push(c),
                // "P.O." → PO, "St." → ST, "O'Farrell" → OFARRELL.
                '.' | '\'' | '`' => {}
                '#' => cleaned.push_str(" # "),
                // Kept inside a word or number (12-34, 62704-1234, 1/2), a space elsewhere.
                '-' | '/' if prev.is_ascii_alphanumeric() && next.is_ascii_alphanumeric() => {
                    cleaned.push(c)
                }
                _ => cleaned.push(' '),
            }
        }
        let words: Vec<String> = cleaned.split_whitespace().map(str::to_string).collect();
        if !words.is_empty() {
            out.push(words);
        }
    }
    out
}

fn is_zip(word: &str) -> Option<(String, Option<String>)> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if digits(word, 5) {
        return Some((word.to_string(), None));
    }
    if let Some((five, four)) = word.split_once('-') {
        if digits(five, 5) && digits(four, 4) {
            return Some((five.to_string(), Some(four.to_string())));
        }
    }
    if digits(word, 9) {
        let (five, four) = word.split_at_checked(5)?;
        return Some((five.to_string(), Some(four.to_string())));
    }
    None
}

/// A box, unit or house number: has a digit, or is a single letter (APT B).
fn is_numberish(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
        || (word.len() == 1 && word.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Word sequences that introduce a post office box, with the rule they count under.
/// Generic words (BOX, BIN, DRAWER, CALLER) count only when a number follows.
const BOX_PATTERNS: &[(&[&str], &str)] = &[
    (&["POST", "OFFICE", "BOX"], "po_box"),
    (&["POST", "OFFICE", "DRAWER"], "drawer"),
    (&["POST", "BOX"], "po_box"),
    (&["P", "O", "BOX"], "po_box"),
    (&["P", "O", "BX"], "po_box"),
    (&["P", "O", "B"], "po_box"),
    (&["PO", "BOX"], "po_box"),
    (&["PO", "BX"], "po_box"),
    (&["PO", "B"], "po_box"),
    (&["PO", "DRAWER"], "drawer"),
    (&["POBOX"], "po_box"),
    (&["POB"], "po_box"),
    (&["FIRM", "CALLER"], "caller"),
    (&["CALLER", "BOX"], "caller"),
    (&["CALLER"], "caller"),
    (&["LOCK", "BOX"], "lockbox"),
    (&["LOCKBOX"], "lockbox"),
    (&["DRAWER"], "drawer"),
    (&["BIN"], "bin"),
    (&["BOX"], "po_box"),
    (&["BX"], "po_box"),
    // Puerto Rico: "Apartado" is Spanish for PO box.
    (&["APARTADO"], "po_box"),
];

const PMB_PATTERNS: &[&[&str]] = &[
    &["PRIVATE", "MAILBOX"],
    &["PRIVATE", "MAIL", "BOX"],
    &["PVT", "MAILBOX"],
    &["P", "M", "B"],
    &["PMB"],
];

/// Rural route and highway contract boxes are roadside boxes at a home, not PO boxes.
const ROUTE_PATTERNS: &[&[&str]] = &[
    &["RURAL", "ROUTE"],
    &["RURAL", "RTE"],
    &["RR"],
    &["RTE"],
    &["HIGHWAY", "CONTRACT"],
    &["HC"],
    &["STAR", "ROUTE"],
];

fn starts_with_words(words: &[String], at: usize, pattern: &[&str]) -> bool {
    pattern.iter().enumerate().all(|(k, p)| words.get(at + k).is_some_and(|w| w == p))
}

/// The number after a box keyword at `at`: the next word (after an optional #) if it is a
/// number. Returns the number and how many words were used.
fn number_after(words: &[String], at: usize) -> Option<(String, usize)> {
    match words.get(at) {
        Some(w) if w == "#" => {
            words.get(at + 1).filter(|n| is_numberish(n)).map(|n| (n.clone(), 2))
        }
        Some(w) if is_numberish(w) => Some((w.clone(), 1)),
        _ => None,
    }
}

struct Delivery {
    line: String,
    /// The delivery-point part of the key (no locality).
    key: String,
    kind: AddressKind,
    matched: Option<String>,
    rule: Option<String>,
    /// Words left after the street when there was no separate city part (a one-line address).
    rest: Vec<String>,
}

fn read_delivery(words: &[String], split_city: bool) -> Delivery {
    // General delivery: mail held at the post office for pick-up.
    if starts_with_words(words, 0, &["GENERAL", "DELIVERY"]) {
        return Delivery {
            line: "GENERAL DELIVERY".to_string(),
            key: "GENERAL DELIVERY".to_string(),
            kind: AddressKind::PoBox,
            matched: Some("GENERAL DELIVERY".to_string()),
            rule: Some("general_delivery".to_string()),
            rest: words.get(2..).unwrap_or_default().to_vec(),
        };
    }
    // Military mail (Pub 28, APO/FPO/DPO): a unit or ship box at a military post office.
    for unit in ["PSC", "CMR", "UNIT"] {
        if words.first().is_some_and(|w| w == unit) {
            if let Some((n, used)) = number_after(words, 1) {
                if words.get(1 + used).is_some_and(|w| w == "BOX") {
                    if let Some((b, used2)) = number_after(words, 2 + used) {
                        let line = format!("{unit} {n} BOX {b}");
                        return Delivery {
                            key: line.clone(),
                            matched: Some(line.clone()),
                            line,
                            kind: AddressKind::PoBox,
                            rule: Some("military".to_string()),
                            rest: words.get(2 + used + used2..).unwrap_or_default().to_vec(),
                        };
                    }
                }
            }
        }
    }
    // Rural route boxes first, so that their BOX is not read as a PO box.
    for pattern in ROUTE_PATTERNS {
        if !starts_with_words(words, 0, pattern) {
            continue;
        }
        let mut at = pattern.len();
        let Some((route, used)) = number_after(words, at) else {
            continue;
        };
        at += used;
        if words.get(at).is_some_and(|w| w == "BOX" || w == "BX") {
            if let Some((number, used)) = number_after(words, at + 1) {
                let prefix =
                    if matches!(pattern[0], "HC" | "HIGHWAY" | "STAR") { "HC" } else { "RR" };
                let line = format!("{prefix} {route} BOX {number}");
                return Delivery {
                    key: line.clone(),
                    matched: Some(line.clone()),
                    line,
                    kind: AddressKind::Street,
                    rule: Some("rural_route".to_string()),
                    rest: words.get(at + 1 + used..).unwrap_or_default().to_vec(),
                };
            }
        }
    }
    // Post office boxes, anywhere in the delivery words (a street line may precede one).
    for start in 0..words.len() {
        for (pattern, rule) in BOX_PATTERNS {
            if !starts_with_words(words, start, pattern) {
                continue;
            }
            let after = start + pattern.len();
            let explicit = matches!(words[start].as_str(), "PO" | "P" | "POST" | "POBOX");
            match number_after(words, after) {
                Some((number, used)) => {
                    let line = format!("PO BOX {number}");
                    return Delivery {
                        key: line.clone(),
                        line: line.clone(),
                        kind: AddressKind::PoBox,
                        matched: Some(format!("{} {number}", pattern.join(" "))),
                        rule: Some((*rule).to_string()),
                        rest: words.get(after + used..).unwrap_or_default().to_vec(),
                    };
                }
                // "PO BOX" without a number is still a PO box, only an incomplete one.
                None if explicit && pattern.contains(&"BOX") => {
                    return Delivery {
                        key: "PO BOX".to_string(),
                        line: "PO BOX".to_string(),
                        kind: AddressKind::PoBox,
                        matched: Some(pattern.join(" ")),
                        rule: Some((*rule).to_string()),
                        rest: words.get(after..).unwrap_or_default().to_vec(),
                    };
                }
                None => {}
            }
        }
    }
    read_street(words, split_city)
}

/// Read `NUMBER [PREDIR] NAME… [SUFFIX] [POSTDIR] [UNIT NUMBER]…` and any PMB. With
/// `split_city`, words after the street suffix (or after the units) are left in `rest` for the
/// caller to read as the city.
fn read_street(words: &[String], split_city: bool) -> Delivery {
    let unknown = |words: &[String]| Delivery {
        line: words.join(" "),
        key: words.join(" "),
        kind: AddressKind::Unknown,
        matched: None,
        rule: None,
        rest: Vec::new(),
    };
    let Some(first) = words.first() else {
        return unknown(words);
    };
    if !first.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return unknown(words);
    }
    let mut number = first.clone();
    let mut i = 1;
    // A fraction belongs to the house number: 123 1/2 MAIN ST.
    if let Some(fraction) = words.get(1).filter(|w| w.contains('/')) {
        number = format!("{number} {fraction}");
        i = 2;
    }

    // The street body runs to the first unit designator or PMB that is really one.
    let mut end = words.len();
    for j in i..words.len() {
        let w = words[j].as_str();
        let next = words.get(j + 1);
        let is_pmb = PMB_PATTERNS.iter().any(|p| starts_with_words(words, j, p));
        let is_unit = match unit_designator(w) {
            // A designator needs the street name before it: "123 Front St" is not a unit.
            Some(_) if j == i => false,
            Some(("#", _)) => true,
            Some((_, true)) => next.is_some_and(|n| is_numberish(n)),
            Some((_, false)) => next.is_none_or(|n| unit_designator(n).is_some()),
            None => false,
        };
        if (is_pmb && j > i) || is_unit {
            end = j;
            break;
        }
    }
    // One line without commas: the street ends at the first suffix not followed by another
    // suffix ("LAKE SHORE DR CHICAGO"), plus a directional abbreviation after it.
    let mut city_words: Vec<String> = Vec::new();
    if split_city {
        let cut = (i + 1..end).find(|&j| {
            suffix(&words[j]).is_some()
                && !words.get(j + 1).is_some_and(|n| j + 1 < end && suffix(n).is_some())
        });
        if let Some(j) = cut {
            let mut stop = j + 1;
            if words
                .get(stop)
                .is_some_and(|w| stop < end && DIRECTIONALS.iter().any(|(_, a)| a == w))
            {
                stop += 1;
            }
            city_words = words[stop..end].to_vec();
            end = stop;
        }
    }
    let body = &words[i..end];
    let (predir, name, suffix_std, postdir) = street_parts(body);

    // Units and PMBs after the street.
    let mut units: Vec<(String, Option<String>)> = Vec::new();
    let mut pmb: Option<(String, String)> = None;
    let mut rest = Vec::new();
    let mut j = end + city_words.len();
    while j < words.len() {
        if let Some(p) = PMB_PATTERNS.iter().find(|p| starts_with_words(words, j, p)) {
            if let Some((n, used)) = number_after(words, j + p.len()) {
                pmb = Some((n, p.join(" ")));
                j += p.len() + used;
                continue;
            }
        }
        match unit_designator(&words[j]) {
            Some((std, true)) => match number_after(words, j + 1) {
                Some((n, used)) => {
                    units.push((std.to_string(), Some(n)));
                    j += 1 + used;
                }
                None if std == "#" => {
                    j += 1;
                }
                None => {
                    rest = words[j..].to_vec();
                    break;
                }
            },
            Some((std, false)) => {
                units.push((std.to_string(), None));
                j += 1;
            }
            None => {
                rest = words[j..].to_vec();
                break;
            }
        }
    }
    // DMM 508 1.8.2: a CMRA address may carry the PMB as "#" after the street address's own
    // unit ("STE 100 # 330"); a second unit written "#" after a first is read as that.
    let mut rule = "street_number";
    if pmb.is_none() && units.len() >= 2 {
        if let Some((std, Some(n))) = units.last() {
            if std == "#" {
                pmb = Some((n.clone(), "#".to_string()));
                units.pop();
                rule = "cmra_second_unit";
            }
        }
    }

    let mut line_words: Vec<String> = vec![number.clone()];
    line_words.extend(predir.iter().cloned());
    line_words.extend(name.iter().cloned());
    line_words.extend(suffix_std.iter().cloned());
    line_words.extend(postdir.iter().cloned());
    for (std, n) in &units {
        line_words.push(std.clone());
        line_words.extend(n.iter().cloned());
    }
    if let Some((n, _)) = &pmb {
        line_words.push(format!("PMB {n}"));
    }
    let line = line_words.join(" ");

    // The key ignores which unit designator was used (APT 4, UNIT 4 and # 4 are one door) and
    // writes every suffix and directional word in its standard form wherever it stands.
    let key_name: Vec<String> = name.iter().map(|w| key_word(w)).collect();
    let mut key = format!(
        "{number}|{}|{}|{}|{}",
        predir.join(" "),
        key_name.join(" "),
        suffix_std.join(" "),
        postdir.join(" ")
    );
    for (_, n) in &units {
        key.push_str(&format!("|#{}", n.as_deref().unwrap_or("")));
    }
    let (kind, matched) = match &pmb {
        Some((n, written)) => {
            key.push_str(&format!("|PMB {n}"));
            let rule_name = if rule == "cmra_second_unit" { rule } else { "pmb" };
            rule = rule_name;
            (AddressKind::Pmb, Some(format!("{written} {n}")))
        }
        None => (AddressKind::Street, Some(number.clone())),
    };
    if !city_words.is_empty() {
        rest = city_words;
    }
    Delivery { line, key, kind, matched, rule: Some(rule.to_string()), rest }
}

/// Split a street body into (predirectional, name, suffix, postdirectional), abbreviating the
/// directionals and suffix only where they stand in those positions (Pub 28: "NORTH ST" keeps
/// NORTH as the name).
type StreetParts = (Vec<String>, Vec<String>, Vec<String>, Vec<String>);

fn street_parts(body: &[String]) -> StreetParts {
    let mut words: Vec<String> = body.to_vec();
    // Two-word directionals: NORTH EAST → NE.
    let join_dir = |a: &str, b: &str| -> Option<&'static str> {
        match (directional(a)?, directional(b)?) {
            ("N", "E") => Some("NE"),
            ("N", "W") => Some("NW"),
            ("S", "E") => Some("SE"),
            ("S", "W") => Some("SW"),
            _ => None,
        }
    };
    let mut postdir = Vec::new();
    if words.len() >= 3 {
        let n = words.len();
        if let Some(d) = join_dir(&words[n - 2], &words[n - 1]) {
            if suffix(&words[n - 3]).is_some() {
                words.truncate(n - 2);
                postdir.push(d.to_string());
            }
        }
    }
    if postdir.is_empty() && words.len() >= 2 {
        let n = words.len();
        if let Some(d) = directional(&words[n - 1]) {
            // "123 MAIN ST NORTH", or "123 MAIN N" with no suffix.
            if suffix(&words[n - 2]).is_some() || n >= 3 {
                words.truncate(n - 1);
                postdir.push(d.to_string());
            }
        }
    }
    let mut suffix_std = Vec::new();
    if words.len() >= 2 {
        if let Some(s) = words.last().and_then(|w| suffix(w)) {
            words.pop();
            suffix_std.push(s.to_string());
        }
    }
    let mut predir = Vec::new();
    if words.len() >= 3 {
        if let Some(d) = join_dir(&words[0], &words[1]) {
            words.drain(..2);
            predir.push(d.to_string());
        }
    }
    if predir.is_empty() && words.len() >= 2 {
        if let Some(d) = directional(&words[0]) {
            words.remove(0);
            predir.push(d.to_string());
        }
    }
    (predir, words, suffix_std, postdir)
}

const ORDINALS: &[(&str, &str)] = &[
    ("FIRST", "1ST"),
    ("SECOND", "2ND"),
    ("THIRD", "3RD"),
    ("FOURTH", "4TH"),
    ("FIFTH", "5TH"),
    ("SIXTH", "6TH"),
    ("SEVENTH", "7TH"),
    ("EIGHTH", "8TH"),
    ("NINTH", "9TH"),
    ("TENTH", "10TH"),
];

/// A street-name word in the form used for comparison only.
fn key_word(word: &str) -> String {
    if let Some((_, n)) = ORDINALS.iter().find(|(w, _)| *w == word) {
        return (*n).to_string();
    }
    match word {
        "SAINT" => return "ST".to_string(),
        "FORT" => return "FT".to_string(),
        "MOUNT" => return "MT".to_string(),
        _ => {}
    }
    if let Some(d) = directional(word) {
        return d.to_string();
    }
    suffix(word).map_or_else(|| word.to_string(), str::to_string)
}

/// City words for comparison: SAINT/ST, FORT/FT, MOUNT/MT written one way.
fn locality_words(city: &str) -> String {
    city.split_whitespace()
        .map(|w| match w {
            "SAINT" => "ST",
            "FORT" => "FT",
            "MOUNT" => "MT",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Normalise a US postal address written on one line or several.
///
/// Parts may be separated by commas or line breaks; the city, state and ZIP code are read from
/// the end. A state is only recognised when a ZIP code follows it or it stands in a part of
/// its own (so that "123 Oak Ct" keeps its Court). On a single line without commas the city is
/// taken to start after the street suffix (or the unit), which is the best a normaliser without
/// a street database can do. Parts before the street line without a number (a name, a company,
/// "Attn: …") are set aside and noted; a trailing "USA" is dropped.
pub fn normalize(input: &str) -> Result<NormalizedAddress, AddressError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(AddressError::Empty);
    }
    let mut notes = Vec::new();
    let mut segs = segments(trimmed);

    // Country at the end.
    const COUNTRY: &[&[&str]] =
        &[&["UNITED", "STATES", "OF", "AMERICA"], &["UNITED", "STATES"], &["USA"], &["US"]];
    let several = segs.len() > 1;
    if let Some(last) = segs.last_mut() {
        for country in COUNTRY {
            let n = country.len();
            let Some(start) = last.len().checked_sub(n) else {
                continue;
            };
            let matches = last[start..].iter().map(String::as_str).eq(country.iter().copied());
            if matches && (start > 0 || several) {
                last.truncate(start);
                notes.push("dropped the country name".to_string());
                break;
            }
        }
    }
    segs.retain(|s| !s.is_empty());

    // ZIP code at the very end.
    let mut zip5 = None;
    let mut zip4 = None;
    if let Some(last) = segs.last_mut() {
        if let Some((five, four)) = last.last().and_then(|w| is_zip(w)) {
            last.pop();
            zip5 = Some(five);
            zip4 = four;
        }
    }
    segs.retain(|s| !s.is_empty());

    // State before it.
    let mut state = None;
    let several = segs.len() > 1;
    if let Some(last) = segs.last_mut() {
        if let Some((code, n)) = state_at_end(last) {
            if zip5.is_some() || several {
                last.truncate(last.len() - n);
                state = Some(code.to_string());
            }
        }
    }
    segs.retain(|s| !s.is_empty());

    // City: the last part left, when the delivery address has parts of its own.
    let has_locality = state.is_some() || zip5.is_some();
    let mut city = None;
    if has_locality && segs.len() >= 2 {
        city = segs.pop().map(|w| w.join(" "));
    }

    // Parts before the street line that hold no number are set aside (recipient, company);
    // a unit or PMB written on its own line before the street line is moved after it.
    let first_delivery = segs.iter().position(|s| {
        s.first().is_some_and(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()))
            || ROUTE_PATTERNS.iter().any(|p| starts_with_words(s, 0, p))
            || s.first().is_some_and(|w| w == "PSC" || w == "CMR")
            || read_delivery(s, false).kind != AddressKind::Unknown
    });
    if let Some(k) = first_delivery {
        let leading: Vec<Vec<String>> = segs.drain(..k).collect();
        for part in leading {
            let text = part.join(" ");
            let is_unit = unit_designator(&part[0]).is_some()
                || PMB_PATTERNS.iter().any(|p| starts_with_words(&part, 0, p));
            if is_unit {
                notes.push(format!("read {text:?} after the street line"));
                segs.push(part);
            } else {
                notes.push(format!("set aside {text:?}: not part of the delivery address"));
            }
        }
    }
    let words: Vec<String> = segs.concat();
    if words.is_empty() {
        return Err(AddressError::NoDeliveryLine { input: trimmed.to_string() });
    }
    let split_city = has_locality && city.is_none();
    let delivery = read_delivery(&words, split_city);
    if !delivery.rest.is_empty() {
        if split_city {
            city = Some(delivery.rest.join(" "));
        } else {
            notes.push(format!("not read: {}", delivery.rest.join(" ")));
        }
    }
    if split_city && city.is_none() {
        notes.push("no city found: write it after a comma or on its own line".to_string());
    }

    let mut last_line = Vec::new();
    last_line.extend(city.clone());
    last_line.extend(state.clone());
    if let Some(z) = &zip5 {
        last_line.push(match &zip4 {
            Some(f) => format!("{z}-{f}"),
            None => z.clone(),
        });
    }
    let normalized = if last_line.is_empty() {
        delivery.line.clone()
    } else {
        format!("{}, {}", delivery.line, last_line.join(" "))
    };
    let locality = match (&zip5, &city, &state) {
        (Some(z), _, _) => z.clone(),
        (None, Some(c), Some(s)) => format!("{} {s}", locality_words(c)),
        _ => String::new(),
    };
    Ok(NormalizedAddress {
        input: trimmed.to_string(),
        key: format!("{}|{locality}", delivery.key),
        delivery_line: delivery.line,
        city,
        state,
        zip5,
        zip4,
        normalized,
        kind: delivery.kind,
        matched: delivery.matched,
        rule: delivery.rule,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressKind::*;

    /// (input, kind, delivery line, city, state, ZIP5, ZIP+4 part)
    type Row = (
        &'static str,
        AddressKind,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );

    const ROWS: &[Row] = &[
        (
            "123 North Main Street, Apartment 4, Springfield, Illinois 62704-1234",
            Street,
            "123 N MAIN ST APT 4",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62704"),
            Some("1234"),
        ),
        (
            "123 N. Main St., Apt. 4\nSpringfield, IL 62704",
            Street,
            "123 N MAIN ST APT 4",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62704"),
            None,
        ),
        (
            "123 n main st #4 springfield il 627041234",
            Street,
            "123 N MAIN ST # 4",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62704"),
            Some("1234"),
        ),
        (
            "1600 Pennsylvania Avenue Northwest, Washington, DC 20500",
            Street,
            "1600 PENNSYLVANIA AVE NW",
            Some("WASHINGTON"),
            Some("DC"),
            Some("20500"),
            None,
        ),
        (
            "1600 Pennsylvania Ave. N.W.\nWashington, D.C. 20500",
            Street,
            "1600 PENNSYLVANIA AVE NW",
            Some("WASHINGTON"),
            Some("DC"),
            Some("20500"),
            None,
        ),
        (
            "350 Fifth Avenue, Suite 3300, New York, New York 10118",
            Street,
            "350 FIFTH AVE STE 3300",
            Some("NEW YORK"),
            Some("NY"),
            Some("10118"),
            None,
        ),
        (
            "350 5th Ave Ste 3300, New York, NY 10118, USA",
            Street,
            "350 5TH AVE STE 3300",
            Some("NEW YORK"),
            Some("NY"),
            Some("10118"),
            None,
        ),
        (
            "42 South West Temple Street, Salt Lake City, UT 84101",
            Street,
            "42 SW TEMPLE ST",
            Some("SALT LAKE CITY"),
            Some("UT"),
            Some("84101"),
            None,
        ),
        (
            "500 Lake Shore Drive East, Chicago IL 60611",
            Street,
            "500 LAKE SHORE DR E",
            Some("CHICAGO"),
            Some("IL"),
            Some("60611"),
            None,
        ),
        (
            "500 Lake Shore Dr E Chicago IL 60611",
            Street,
            "500 LAKE SHORE DR E",
            Some("CHICAGO"),
            Some("IL"),
            Some("60611"),
            None,
        ),
        (
            "12 North St, Boston, MA 02109",
            Street,
            "12 NORTH ST",
            Some("BOSTON"),
            Some("MA"),
            Some("02109"),
            None,
        ),
        (
            "77 Front Street, Floor 2, Brooklyn, NY 11201",
            Street,
            "77 FRONT ST FL 2",
            Some("BROOKLYN"),
            Some("NY"),
            Some("11201"),
            None,
        ),
        (
            "9 Oak Court, Hartford, Connecticut",
            Street,
            "9 OAK CT",
            Some("HARTFORD"),
            Some("CT"),
            None,
            None,
        ),
        ("9 Oak Ct", Street, "9 OAK CT", None, None, None, None),
        (
            "123 1/2 Elm Boulevard Rear, Austin, TX 78701",
            Street,
            "123 1/2 ELM BLVD REAR",
            Some("AUSTIN"),
            Some("TX"),
            Some("78701"),
            None,
        ),
        (
            "Acme Staffing LLC, Attn: HR, 200 Commerce Pkwy Bldg 2 Room 110, Irvine, CA 92618",
            Street,
            "200 COMMERCE PKWY BLDG 2 RM 110",
            Some("IRVINE"),
            Some("CA"),
            Some("92618"),
            None,
        ),
        (
            "Apt 5B, 88 Queens Boulevard, Queens, NY 11375",
            Street,
            "88 QUEENS BLVD APT 5B",
            Some("QUEENS"),
            Some("NY"),
            Some("11375"),
            None,
        ),
        (
            "100 Box Elder St, Brigham City, UT 84302",
            Street,
            "100 BOX ELDER ST",
            Some("BRIGHAM CITY"),
            Some("UT"),
            Some("84302"),
            None,
        ),
        (
            "45 Boxwood Ln, Cary, NC 27511",
            Street,
            "45 BOXWOOD LN",
            Some("CARY"),
            Some("NC"),
            Some("27511"),
            None,
        ),
        (
            "8 Pobox Rd, Springfield, IL 62704",
            Street,
            "8 POBOX RD",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62704"),
            None,
        ),
        (
            "15 Post Office Rd, Waldorf, MD 20602",
            Street,
            "15 POST OFFICE RD",
            Some("WALDORF"),
            Some("MD"),
            Some("20602"),
            None,
        ),
        (
            "31 Box Canyon Road, Sedona, AZ 86336",
            Street,
            "31 BOX CANYON RD",
            Some("SEDONA"),
            Some("AZ"),
            Some("86336"),
            None,
        ),
        (
            "7 Caller Lane, Dover, DE 19901",
            Street,
            "7 CALLER LN",
            Some("DOVER"),
            Some("DE"),
            Some("19901"),
            None,
        ),
        (
            "RR 2 Box 152, Hazard, KY 41701",
            Street,
            "RR 2 BOX 152",
            Some("HAZARD"),
            Some("KY"),
            Some("41701"),
            None,
        ),
        (
            "Rural Route 2, Box 152, Hazard, KY 41701",
            Street,
            "RR 2 BOX 152",
            Some("HAZARD"),
            Some("KY"),
            Some("41701"),
            None,
        ),
        (
            "HC 68 Box 23A, Pinedale, WY 82941",
            Street,
            "HC 68 BOX 23A",
            Some("PINEDALE"),
            Some("WY"),
            Some("82941"),
            None,
        ),
        (
            "P.O. Box 1207, Springfield, IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "PO BOX 1207 Springfield IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "po box #1207, springfield, il 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "Post Office Box 1207\nSpringfield IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "P O Box 1207, Springfield, IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "POB 1207, Springfield, IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "P.O.B. 1207, Springfield, IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "POBox 1207, Springfield, IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "Box 12, Marfa, TX 79843",
            PoBox,
            "PO BOX 12",
            Some("MARFA"),
            Some("TX"),
            Some("79843"),
            None,
        ),
        (
            "Post Box 77, Nome, AK 99762",
            PoBox,
            "PO BOX 77",
            Some("NOME"),
            Some("AK"),
            Some("99762"),
            None,
        ),
        (
            "Caller 3000, Reno, NV 89505",
            PoBox,
            "PO BOX 3000",
            Some("RENO"),
            Some("NV"),
            Some("89505"),
            None,
        ),
        (
            "Firm Caller 3000, Reno, NV 89505",
            PoBox,
            "PO BOX 3000",
            Some("RENO"),
            Some("NV"),
            Some("89505"),
            None,
        ),
        (
            "Drawer 9, Tucson, AZ 85702",
            PoBox,
            "PO BOX 9",
            Some("TUCSON"),
            Some("AZ"),
            Some("85702"),
            None,
        ),
        (
            "Bin 45, Fresno, CA 93729",
            PoBox,
            "PO BOX 45",
            Some("FRESNO"),
            Some("CA"),
            Some("93729"),
            None,
        ),
        (
            "Lockbox 8800, Dallas, TX 75284",
            PoBox,
            "PO BOX 8800",
            Some("DALLAS"),
            Some("TX"),
            Some("75284"),
            None,
        ),
        (
            "P O B 1207, Springfield, IL 62705",
            PoBox,
            "PO BOX 1207",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "PO Box, Springfield, IL 62705",
            PoBox,
            "PO BOX",
            Some("SPRINGFIELD"),
            Some("IL"),
            Some("62705"),
            None,
        ),
        (
            "PSC 1234, Box 5678, APO AE 09204",
            PoBox,
            "PSC 1234 BOX 5678",
            Some("APO"),
            Some("AE"),
            Some("09204"),
            None,
        ),
        (
            "General Delivery, Juneau, AK 99801",
            PoBox,
            "GENERAL DELIVERY",
            Some("JUNEAU"),
            Some("AK"),
            Some("99801"),
            None,
        ),
        (
            "Apartado 1234, San Juan, PR 00919",
            PoBox,
            "PO BOX 1234",
            Some("SAN JUAN"),
            Some("PR"),
            Some("00919"),
            None,
        ),
        (
            "2261 Market St PMB 4321, San Francisco, CA 94114",
            Pmb,
            "2261 MARKET ST PMB 4321",
            Some("SAN FRANCISCO"),
            Some("CA"),
            Some("94114"),
            None,
        ),
        (
            "2261 Market Street #4321, San Francisco, CA 94114",
            Street,
            "2261 MARKET ST # 4321",
            Some("SAN FRANCISCO"),
            Some("CA"),
            Some("94114"),
            None,
        ),
        (
            "2261 Market St, Private Mailbox 4321, San Francisco, CA 94114",
            Pmb,
            "2261 MARKET ST PMB 4321",
            Some("SAN FRANCISCO"),
            Some("CA"),
            Some("94114"),
            None,
        ),
        (
            "PMB 4321, 2261 Market St, San Francisco, CA 94114",
            Pmb,
            "2261 MARKET ST PMB 4321",
            Some("SAN FRANCISCO"),
            Some("CA"),
            Some("94114"),
            None,
        ),
        (
            "10 Main St Ste 100 #330, Newark, DE 19711",
            Pmb,
            "10 MAIN ST STE 100 PMB 330",
            Some("NEWARK"),
            Some("DE"),
            Some("19711"),
            None,
        ),
        (
            "10 Main St Ste 100 P.M.B. 330, Newark, DE 19711",
            Pmb,
            "10 MAIN ST STE 100 PMB 330",
            Some("NEWARK"),
            Some("DE"),
            Some("19711"),
            None,
        ),
        ("Café Street 5", Unknown, "CAFE STREET 5", None, None, None, None),
    ];

    #[test]
    fn real_world_spellings() {
        for &(input, kind, line, city, state, zip5, zip4) in ROWS {
            let a = normalize(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            let got = (
                a.kind,
                a.delivery_line.as_str(),
                a.city.as_deref(),
                a.state.as_deref(),
                a.zip5.as_deref(),
                a.zip4.as_deref(),
            );
            assert_eq!(
                got,
                (kind, line, city, state, zip5, zip4),
                "{input:?} (notes: {:?})",
                a.notes
            );
        }
        assert!(ROWS.len() >= 30);
    }

    #[test]
    fn the_same_place_written_two_ways_compares_equal() {
        let same = [
            (
                "123 North Main Street, Apartment 4, Springfield, Illinois 62704-1234",
                "123 n. main st. #4, springfield il 62704",
            ),
            (
                "123 N Main St Unit 4, Springfield, IL 62704",
                "123 North Main Street Apt. 4\nSpringfield IL 62704-9999",
            ),
            (
                "350 Fifth Avenue, Suite 3300, New York, NY 10118",
                "350 5th Ave Ste 3300, New York NY 10118",
            ),
            (
                "1600 Pennsylvania Avenue Northwest, Washington, DC 20500",
                "1600 PENNSYLVANIA AVE NW WASHINGTON DC 20500",
            ),
            (
                "P.O. Box 1207, Springfield, IL 62705",
                "Post Office Box 1207, Springfield, Illinois 62705",
            ),
            ("PO Box 1207, Springfield, IL 62705", "Caller 1207, Springfield IL 62705"),
            ("77 Saint Marks Pl, New York, NY 10003", "77 St. Marks Place, New York, NY 10003"),
            ("9 Oak Ct, Saint Louis, MO", "9 Oak Court, St. Louis, Missouri"),
            (
                "2261 Market St PMB 4321, San Francisco, CA 94114",
                "2261 Market Street, Private Mailbox 4321, San Francisco, CA 94114",
            ),
        ];
        for (x, y) in same {
            let (a, b) = (normalize(x).unwrap(), normalize(y).unwrap());
            assert!(same_place(&a, &b), "{x:?} / {y:?}\n{} / {}", a.key, b.key);
            if a.zip5.is_some() && b.zip5.is_some() {
                assert_eq!(a.key, b.key, "{x:?} / {y:?}");
            }
        }
        let different = [
            (
                "123 N Main St Apt 4, Springfield, IL 62704",
                "123 N Main St Apt 5, Springfield, IL 62704",
            ),
            ("123 N Main St, Springfield, IL 62704", "123 S Main St, Springfield, IL 62704"),
            ("123 N Main St, Springfield, IL 62704", "123 N Main Ave, Springfield, IL 62704"),
            ("123 N Main St, Springfield, IL 62704", "123 N Main St, Springfield, MO 65806"),
            ("PO Box 1207, Springfield, IL 62705", "PO Box 1208, Springfield, IL 62705"),
            ("123 Main St", "123 Main St"),
            ("9 Oak Ct, Springfield, IL", "9 Oak Ct, Springfield, MO"),
        ];
        for (x, y) in different {
            let (a, b) = (normalize(x).unwrap(), normalize(y).unwrap());
            assert!(!same_place(&a, &b), "{x:?} / {y:?}");
        }
    }

    #[test]
    fn output_carries_what_matched_and_the_source() {
        let a = normalize("P.O. Box 1207, Springfield, IL 62705").unwrap();
        assert_eq!(a.matched.as_deref(), Some("PO BOX 1207"));
        assert_eq!(a.rule.as_deref(), Some("po_box"));
        assert_eq!(a.normalized, "PO BOX 1207, SPRINGFIELD IL 62705");
        let f = a.findings();
        assert_eq!((f[0].check.as_str(), f[0].outcome), ("address.kind.po_box", Outcome::Warn));
        assert!(f[0].source.document.contains("Publication 28"));

        let a = normalize("10 Main St Ste 100 #330, Newark, DE 19711").unwrap();
        assert_eq!(a.rule.as_deref(), Some("cmra_second_unit"));
        assert_eq!(a.matched.as_deref(), Some("# 330"));
        assert!(a.findings()[0].source.document.contains("DMM"));

        let a = normalize("Acme Staffing LLC, 200 Commerce Pkwy, Irvine, CA 92618").unwrap();
        assert!(a.notes.iter().any(|n| n.contains("ACME STAFFING LLC")), "{:?}", a.notes);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["kind"], "street");
        assert_eq!(serde_json::from_value::<NormalizedAddress>(json).unwrap(), a);
    }

    #[test]
    fn empty_and_unusable_input() {
        assert_eq!(normalize("  "), Err(AddressError::Empty));
        assert!(matches!(normalize("Springfield, IL 62704"), Ok(a) if a.kind == Unknown));
        assert!(matches!(normalize(", , 62704"), Err(AddressError::NoDeliveryLine { .. })));
    }
}
