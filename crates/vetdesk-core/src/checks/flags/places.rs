//! Addresses and places as the rules compare them: normalised addresses, the country a
//! claimed location or a time zone points to.

use super::*;

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

pub(super) fn plain_words(text: &str) -> String {
    let upper: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_uppercase() } else { ' ' })
        .collect();
    upper.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---- places ----

#[rustfmt::skip]
pub(super) const US_STATES: &[(&str, &str)] = &[
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
pub(super) const COUNTRY_NAMES: &[(&str, &str)] = &[
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
    if text.len() == 2
        && let Ok(IpCategory::Country(c)) = text.parse::<IpCategory>()
    {
        return ISO_CODES.iter().copied().find(|k| *k == c.as_str());
    }
    None
}

/// The codes `claimed_country` can return from a bare two-letter code.
#[rustfmt::skip]
pub(super) const ISO_CODES: &[&str] = &[
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
