//! Matching events to employees: accounts as identity providers spell them, and devices by
//! serial or host name.
//!
//! Account rules, applied in this order (each is a row of the table tests):
//!
//! 1. Text is trimmed; a display name before `<address>` (`Silva, Ana <ana@corp.example>`), a
//!    `mailto:` prefix and surrounding `<…>` are removed, and it is
//!    lower-cased (identity providers compare accounts without case: Okta login names, Entra
//!    UPNs and Workspace addresses all do). A trailing dot of the domain is dropped.
//! 2. `user@domain` (an email address or a UPN) matches an employee account with the same user
//!    and domain. An employee may have several accounts (an email address and a UPN in another
//!    domain, `ana.silva@corp.example` and `asilva@corp.onmicrosoft.com`): each is registered.
//! 3. `DOMAIN\user` (a Windows down-level logon name) matches an account with the same user
//!    whose domain's first label is `DOMAIN` (`CORP\ana.silva` → `ana.silva@corp.example`), or
//!    whose NetBIOS domain was registered explicitly with [`AccountIndex::add_netbios`].
//! 4. A bare `user` matches when exactly one employee has an account with that user part.
//!
//! A name that fits several employees is ambiguous and matches none: a wrong match would put
//! one worker's sign-ins in another's file, which is worse than an unmatched event.
//!
//! Devices match by serial (trimmed, upper case, spaces removed) first, then by host name:
//! lower-cased, with a trailing dot dropped, and tolerant of the domain suffix (`LAPTOP-7` and
//! `laptop-7.corp.example` are one device), unless two registered devices share a short name.

use std::collections::HashMap;
use std::hash::Hash;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An account name taken apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct AccountName {
    pub user: String,
    /// The DNS domain of `user@domain`.
    pub domain: Option<String>,
    /// The NetBIOS domain of `DOMAIN\user`.
    pub netbios: Option<String>,
}

/// Reads an account name as rules 1–3 describe; `None` for empty or unusable text.
pub fn parse_account(raw: &str) -> Option<AccountName> {
    let mut text = raw.trim();
    if let (Some(open), true) = (text.rfind('<'), text.ends_with('>')) {
        text = text.get(open..)?;
    }
    if text.len() > 7 && text.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        text = text.get(7..)?.trim();
    }
    text = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(text).trim();
    let lower = text.to_lowercase();
    if lower.is_empty() || lower.chars().any(char::is_whitespace) {
        return None;
    }
    if let Some((domain, user)) = lower.split_once('\\') {
        if domain.is_empty() || user.is_empty() || user.contains('\\') || user.contains('@') {
            return None;
        }
        return Some(AccountName { user: user.into(), domain: None, netbios: Some(domain.into()) });
    }
    match lower.rsplit_once('@') {
        Some((user, domain)) => {
            let domain = domain.strip_suffix('.').unwrap_or(domain);
            if user.is_empty() || domain.is_empty() || user.contains('@') {
                return None;
            }
            Some(AccountName { user: user.into(), domain: Some(domain.into()), netbios: None })
        }
        None => Some(AccountName { user: lower, domain: None, netbios: None }),
    }
}

/// Which rule matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountRule {
    /// Rule 2: same user and domain.
    Address,
    /// Rule 3: `DOMAIN\user`.
    DownLevel,
    /// Rule 4: a user part unique among employees.
    UniqueUser,
}

/// The outcome of looking an account up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match<K> {
    One {
        key: K,
        rule: AccountRule,
    },
    /// Several employees fit; none is chosen.
    Ambiguous(Vec<K>),
    None,
}

/// The registered accounts of every employee, keyed by the caller's employee id.
#[derive(Clone, Debug)]
pub struct AccountIndex<K> {
    by_address: HashMap<(String, String), Vec<K>>,
    by_user: HashMap<String, Vec<(K, String)>>,
    netbios: HashMap<String, Vec<String>>,
}

impl<K> Default for AccountIndex<K> {
    fn default() -> Self {
        AccountIndex {
            by_address: HashMap::new(),
            by_user: HashMap::new(),
            netbios: HashMap::new(),
        }
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

impl<K: Clone + Eq + Hash> AccountIndex<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a work account (`user@domain`) of an employee. False when the text is not an
    /// address with a domain.
    pub fn add(&mut self, key: K, account: &str) -> bool {
        let Some(AccountName { user, domain: Some(domain), .. }) = parse_account(account) else {
            return false;
        };
        push_unique(
            self.by_address.entry((user.clone(), domain.clone())).or_default(),
            key.clone(),
        );
        push_unique(self.by_user.entry(user).or_default(), (key, domain));
        true
    }

    /// Declares that the NetBIOS domain `netbios` is the DNS domain `domain` (for rule 3 when
    /// the first label differs, `CONTOSO` for `corp.contoso.com`).
    pub fn add_netbios(&mut self, netbios: &str, domain: &str) {
        let domain = domain.trim().trim_end_matches('.').to_lowercase();
        push_unique(self.netbios.entry(netbios.trim().to_lowercase()).or_default(), domain);
    }

    fn keys(list: impl Iterator<Item = K>) -> Vec<K> {
        let mut out = Vec::new();
        for key in list {
            push_unique(&mut out, key);
        }
        out
    }

    fn decide(keys: Vec<K>, rule: AccountRule) -> Match<K> {
        match keys.len() {
            0 => Match::None,
            1 => keys.into_iter().next().map_or(Match::None, |key| Match::One { key, rule }),
            _ => Match::Ambiguous(keys),
        }
    }

    pub fn lookup(&self, raw: &str) -> Match<K> {
        let Some(name) = parse_account(raw) else {
            return Match::None;
        };
        if let Some(domain) = &name.domain {
            let keys = self.by_address.get(&(name.user.clone(), domain.clone()));
            return Self::decide(
                Self::keys(keys.into_iter().flatten().cloned()),
                AccountRule::Address,
            );
        }
        let candidates = self.by_user.get(&name.user).map(Vec::as_slice).unwrap_or_default();
        if let Some(netbios) = &name.netbios {
            let declared = self.netbios.get(netbios);
            let fits = |domain: &str| {
                domain.split('.').next() == Some(netbios.as_str())
                    || declared.is_some_and(|d| d.iter().any(|x| x == domain))
            };
            let keys = candidates.iter().filter(|(_, d)| fits(d)).map(|(k, _)| k.clone());
            return Self::decide(Self::keys(keys), AccountRule::DownLevel);
        }
        Self::decide(Self::keys(candidates.iter().map(|(k, _)| k.clone())), AccountRule::UniqueUser)
    }
}

/// A serial as compared: trimmed, upper case, without spaces.
pub fn normalise_serial(raw: &str) -> Option<String> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    (!s.is_empty()).then_some(s)
}

/// A host name as compared: trimmed, lower case, without a trailing dot.
pub fn normalise_hostname(raw: &str) -> Option<String> {
    let h = raw.trim().trim_end_matches('.').to_lowercase();
    (!h.is_empty() && !h.chars().any(char::is_whitespace)).then_some(h)
}

/// The first label of a host name (`laptop-7` of `laptop-7.corp.example`).
pub fn short_hostname(raw: &str) -> Option<String> {
    let full = normalise_hostname(raw)?;
    full.split('.').next().map(str::to_string).filter(|s| !s.is_empty())
}

/// Which device rule matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRule {
    Serial,
    Hostname,
    /// Same first label, domain suffix different or absent on one side.
    ShortHostname,
}

/// Registered company devices, keyed by the caller's device id.
#[derive(Clone, Debug)]
pub struct DeviceIndex<K> {
    serials: HashMap<String, Vec<K>>,
    hostnames: HashMap<String, Vec<K>>,
    short: HashMap<String, Vec<K>>,
}

impl<K> Default for DeviceIndex<K> {
    fn default() -> Self {
        DeviceIndex { serials: HashMap::new(), hostnames: HashMap::new(), short: HashMap::new() }
    }
}

impl<K: Clone + Eq + Hash> DeviceIndex<K> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, key: K, serial: Option<&str>, hostname: Option<&str>) {
        if let Some(s) = serial.and_then(normalise_serial) {
            push_unique(self.serials.entry(s).or_default(), key.clone());
        }
        if let Some(h) = hostname.and_then(normalise_hostname) {
            push_unique(self.hostnames.entry(h).or_default(), key.clone());
        }
        if let Some(h) = hostname.and_then(short_hostname) {
            push_unique(self.short.entry(h).or_default(), key);
        }
    }

    /// Looks a device up by serial first, then by host name.
    pub fn lookup(&self, serial: Option<&str>, hostname: Option<&str>) -> Option<(K, DeviceRule)> {
        let one = |list: Option<&Vec<K>>| match list.map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        };
        if let Some(key) = one(serial.and_then(normalise_serial).and_then(|s| self.serials.get(&s)))
        {
            return Some((key, DeviceRule::Serial));
        }
        let host = hostname.and_then(normalise_hostname)?;
        if let Some(key) = one(self.hostnames.get(&host)) {
            return Some((key, DeviceRule::Hostname));
        }
        short_hostname(&host)
            .and_then(|s| one(self.short.get(&s)))
            .map(|key| (key, DeviceRule::ShortHostname))
    }
}
