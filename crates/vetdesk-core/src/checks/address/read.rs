//! Reading the words of an address: split it into parts, find the delivery line (PO box,
//! private mailbox, rural route, military box or street with its units) and the comparison
//! key of each word.

use super::AddressKind;
use super::tables::{
    BOX_PATTERNS, DIRECTIONALS, ORDINALS, PMB_PATTERNS, ROUTE_PATTERNS, directional, suffix,
    unit_designator,
};

/// Upper-case ASCII words, grouped by line or comma-separated part.
pub(super) fn segments(text: &str) -> Vec<Vec<String>> {
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

pub(super) fn is_zip(word: &str) -> Option<(String, Option<String>)> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if digits(word, 5) {
        return Some((word.to_string(), None));
    }
    if let Some((five, four)) = word.split_once('-')
        && digits(five, 5)
        && digits(four, 4)
    {
        return Some((five.to_string(), Some(four.to_string())));
    }
    if digits(word, 9) {
        let (five, four) = word.split_at_checked(5)?;
        return Some((five.to_string(), Some(four.to_string())));
    }
    None
}

/// A box, unit or house number: has a digit, or is a single letter (APT B).
pub(super) fn is_numberish(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
        || (word.len() == 1 && word.bytes().all(|b| b.is_ascii_alphabetic()))
}

pub(super) fn starts_with_words(words: &[String], at: usize, pattern: &[&str]) -> bool {
    pattern.iter().enumerate().all(|(k, p)| words.get(at + k).is_some_and(|w| w == p))
}

/// The number after a box keyword at `at`: the next word (after an optional #) if it is a
/// number. Returns the number and how many words were used.
pub(super) fn number_after(words: &[String], at: usize) -> Option<(String, usize)> {
    match words.get(at) {
        Some(w) if w == "#" => {
            words.get(at + 1).filter(|n| is_numberish(n)).map(|n| (n.clone(), 2))
        }
        Some(w) if is_numberish(w) => Some((w.clone(), 1)),
        _ => None,
    }
}

pub(super) struct Delivery {
    pub line: String,
    /// The delivery-point part of the key (no locality).
    pub key: String,
    pub kind: AddressKind,
    pub matched: Option<String>,
    pub rule: Option<String>,
    /// Words left after the street when there was no separate city part (a one-line address).
    pub rest: Vec<String>,
}

pub(super) fn read_delivery(words: &[String], split_city: bool) -> Delivery {
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
        if words.first().is_some_and(|w| w == unit)
            && let Some((n, used)) = number_after(words, 1)
            && words.get(1 + used).is_some_and(|w| w == "BOX")
            && let Some((b, used2)) = number_after(words, 2 + used)
        {
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
        if words.get(at).is_some_and(|w| w == "BOX" || w == "BX")
            && let Some((number, used)) = number_after(words, at + 1)
        {
            let prefix = if matches!(pattern[0], "HC" | "HIGHWAY" | "STAR") { "HC" } else { "RR" };
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
pub(super) fn read_street(words: &[String], split_city: bool) -> Delivery {
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
        if let Some(p) = PMB_PATTERNS.iter().find(|p| starts_with_words(words, j, p))
            && let Some((n, used)) = number_after(words, j + p.len())
        {
            pmb = Some((n, p.join(" ")));
            j += p.len() + used;
            continue;
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
    if pmb.is_none()
        && units.len() >= 2
        && let Some((std, Some(n))) = units.last()
        && std == "#"
    {
        pmb = Some((n.clone(), "#".to_string()));
        units.pop();
        rule = "cmra_second_unit";
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
pub(super) type StreetParts = (Vec<String>, Vec<String>, Vec<String>, Vec<String>);

pub(super) fn street_parts(body: &[String]) -> StreetParts {
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
        if let Some(d) = join_dir(&words[n - 2], &words[n - 1])
            && suffix(&words[n - 3]).is_some()
        {
            words.truncate(n - 2);
            postdir.push(d.to_string());
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
    if words.len() >= 2
        && let Some(s) = words.last().and_then(|w| suffix(w))
    {
        words.pop();
        suffix_std.push(s.to_string());
    }
    let mut predir = Vec::new();
    if words.len() >= 3
        && let Some(d) = join_dir(&words[0], &words[1])
    {
        words.drain(..2);
        predir.push(d.to_string());
    }
    if predir.is_empty()
        && words.len() >= 2
        && let Some(d) = directional(&words[0])
    {
        words.remove(0);
        predir.push(d.to_string());
    }
    (predir, words, suffix_std, postdir)
}

/// A street-name word in the form used for comparison only.
pub(super) fn key_word(word: &str) -> String {
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
pub(super) fn locality_words(city: &str) -> String {
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
