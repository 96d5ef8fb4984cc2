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

mod read;
mod tables;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};
use read::{is_zip, locality_words, read_delivery, segments, starts_with_words};
use tables::{PMB_PATTERNS, ROUTE_PATTERNS, state_at_end, unit_designator};

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

/// Normalise a US postal address written on one line or several.
///
/// Parts may be separated by commas or line breaks; the city, state and ZIP code are read from
/// the end. A state is only recognised when a ZIP code follows it or it stands in a part of
/// its own (so that "123 Oak Ct" keeps its Court). On a single line without commas the city is
/// taken to start after the street suffix (or the unit), which is the best a normaliser without
/// a street database can do. Parts before the street line without a number (a name, a company,
/// "Attn: …") are set aside and noted; a trailing "USA" is dropped.
pub fn normalize(input: &str) -> Result<NormalizedAddress, AddressError> {
    super::memo::remembered(&READ, input, || read_uncached(input))
}

thread_local! {
    static READ: super::memo::Memo<Result<NormalizedAddress, AddressError>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// `normalize(input)` made on this thread, for the thread that will ask for it
/// (`memo::read_ahead`).
pub(crate) fn normalize_ahead(input: &str) -> super::memo::Made {
    super::memo::Made::new(&READ, input.to_string(), read_uncached(input))
}

fn read_uncached(input: &str) -> Result<NormalizedAddress, AddressError> {
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
    if let Some(last) = segs.last_mut()
        && let Some((five, four)) = last.last().and_then(|w| is_zip(w))
    {
        last.pop();
        zip5 = Some(five);
        zip4 = four;
    }
    segs.retain(|s| !s.is_empty());

    // State before it.
    let mut state = None;
    let several = segs.len() > 1;
    if let Some(last) = segs.last_mut()
        && let Some((code, n)) = state_at_end(last)
        && (zip5.is_some() || several)
    {
        last.truncate(last.len() - n);
        state = Some(code.to_string());
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
