//! Signatures of remote-access tools, IP-KVMs and mouse jigglers, kept as editable TOML under
//! `assets/telemetry/` (built in, and loadable from a user's own copy), each entry with the
//! public source of its identifiers. Matching is pure: an observation or event in, the
//! signatures it matches out, with the facts that matched.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::accounts::short_hostname;
use crate::formats::osquery::normalise_mac;
use crate::model::{Event, HostObservation, Observation, SoftwareTable};

/// The built-in signature files, as shipped in `assets/telemetry/`.
pub const BUILT_IN: [(&str, &str); 3] = [
    ("remote_access.toml", include_str!("../../../assets/telemetry/remote_access.toml")),
    ("ip_kvm.toml", include_str!("../../../assets/telemetry/ip_kvm.toml")),
    ("mouse_jigglers.toml", include_str!("../../../assets/telemetry/mouse_jigglers.toml")),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    RemoteAccess,
    IpKvm,
    MouseJiggler,
}

/// Whether a match is telling on its own (`strong`) or shared with ordinary equipment and so a
/// reason to look (`weak`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Strong,
    Weak,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct UsbId {
    pub vendor_id: String,
    pub product_id: String,
}

/// One signature as written in the TOML files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub strength: Strength,
    #[serde(default)]
    pub process_names: Vec<String>,
    #[serde(default)]
    pub software_names: Vec<String>,
    #[serde(default)]
    pub bundle_ids: Vec<String>,
    #[serde(default)]
    pub bundle_id_prefixes: Vec<String>,
    #[serde(default)]
    pub usb: Vec<UsbId>,
    #[serde(default)]
    pub usb_strings: Vec<String>,
    #[serde(default)]
    pub usb_serials: Vec<String>,
    #[serde(default)]
    pub hostnames: Vec<String>,
    #[serde(default)]
    pub mac_prefixes: Vec<String>,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    #[serde(default)]
    signature: Vec<Signature>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("{file}: not a valid signature file: {detail}")]
    Toml { file: String, detail: String },
    #[error("{file}: signature {id:?}: {reason}")]
    Invalid { file: String, id: String, reason: String },
}

/// One fact that made a signature match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MatchedFact {
    /// The observed field (`processes.name`, `usb_devices.vendor_id:model_id`, `arp_cache.mac`).
    pub field: String,
    pub value: String,
    /// The signature's pattern it matched.
    pub pattern: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignatureMatch {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub strength: Strength,
    pub source: String,
    pub facts: Vec<MatchedFact>,
}

/// A set of signatures ready for matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signatures {
    entries: Vec<Signature>,
}

fn is_hex4(text: &str) -> bool {
    text.len() == 4 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn normalise(mut sig: Signature, file: &str) -> Result<Signature, SignatureError> {
    let invalid = |reason: String| SignatureError::Invalid {
        file: file.to_string(),
        id: sig.id.clone(),
        reason,
    };
    if sig.id.trim().is_empty() || sig.name.trim().is_empty() {
        return Err(invalid("id and name may not be empty".into()));
    }
    if sig.source.trim().is_empty() {
        return Err(invalid("source is empty: say where the identifiers come from".into()));
    }
    let lower = |list: &mut Vec<String>| {
        for item in list.iter_mut() {
            *item = item.trim().to_lowercase();
        }
        list.retain(|s| !s.is_empty());
    };
    lower(&mut sig.process_names);
    lower(&mut sig.software_names);
    lower(&mut sig.bundle_ids);
    lower(&mut sig.bundle_id_prefixes);
    lower(&mut sig.usb_strings);
    lower(&mut sig.usb_serials);
    lower(&mut sig.hostnames);
    for usb in &mut sig.usb {
        usb.vendor_id = usb.vendor_id.trim().trim_start_matches("0x").to_lowercase();
        usb.product_id = usb.product_id.trim().trim_start_matches("0x").to_lowercase();
        if !is_hex4(&usb.vendor_id) || !is_hex4(&usb.product_id) {
            let text = format!("{}:{}", usb.vendor_id, usb.product_id);
            return Err(invalid(format!("USB id {text} is not two groups of four hex digits")));
        }
    }
    let mut prefixes = Vec::new();
    for prefix in &sig.mac_prefixes {
        match normalise_mac(&format!("{prefix}:00:00:00")) {
            Some(mac) => prefixes.push(mac.get(..8).unwrap_or_default().to_string()),
            None => return Err(invalid(format!("MAC prefix {prefix:?} is not three octets"))),
        }
    }
    sig.mac_prefixes = prefixes;
    let empty = sig.process_names.is_empty()
        && sig.software_names.is_empty()
        && sig.bundle_ids.is_empty()
        && sig.bundle_id_prefixes.is_empty()
        && sig.usb.is_empty()
        && sig.usb_strings.is_empty()
        && sig.usb_serials.is_empty()
        && sig.hostnames.is_empty()
        && sig.mac_prefixes.is_empty();
    if empty {
        return Err(invalid(
            "nothing to match: give names, ids, host names or MAC prefixes".into(),
        ));
    }
    Ok(sig)
}

fn fact(field: &str, value: &str, pattern: &str) -> MatchedFact {
    MatchedFact { field: field.into(), value: value.into(), pattern: pattern.into() }
}

/// The file name of a path, either separator.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

impl Signatures {
    /// Parses signature files given as `(file name, TOML text)`; ids must be unique across them.
    pub fn from_toml<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Signatures, SignatureError> {
        let mut entries = Vec::new();
        let mut ids = HashSet::new();
        for (file, text) in files {
            let parsed: SignatureFile = toml::from_str(text).map_err(|e| SignatureError::Toml {
                file: file.to_string(),
                detail: e.to_string(),
            })?;
            for sig in parsed.signature {
                let sig = normalise(sig, file)?;
                if !ids.insert(sig.id.clone()) {
                    return Err(SignatureError::Invalid {
                        file: file.to_string(),
                        id: sig.id,
                        reason: "the id is used twice".into(),
                    });
                }
                entries.push(sig);
            }
        }
        Ok(Signatures { entries })
    }

    /// The signatures shipped with Vetdesk.
    pub fn built_in() -> Result<Signatures, SignatureError> {
        Self::from_toml(BUILT_IN)
    }

    pub fn entries(&self) -> &[Signature] {
        &self.entries
    }

    fn found(sig: &Signature, facts: Vec<MatchedFact>) -> Option<SignatureMatch> {
        (!facts.is_empty()).then(|| SignatureMatch {
            id: sig.id.clone(),
            name: sig.name.clone(),
            category: sig.category,
            strength: sig.strength,
            source: sig.source.clone(),
            facts,
        })
    }

    fn match_one(sig: &Signature, observed: &Observation) -> Vec<MatchedFact> {
        let mut facts = Vec::new();
        match observed {
            Observation::Process { name, path, .. } => {
                let candidates = [
                    Some(("processes.name", name.as_str())),
                    path.as_deref().map(|p| ("processes.path", p)),
                ];
                for (field, value) in candidates.into_iter().flatten() {
                    let file = file_name(value).to_lowercase();
                    if let Some(p) = sig.process_names.iter().find(|p| **p == file) {
                        facts.push(fact(field, value, p));
                        break;
                    }
                }
            }
            Observation::Software { table, name, bundle_id, .. } => {
                let field = match table {
                    SoftwareTable::Programs => "programs.name",
                    SoftwareTable::DebPackages => "deb_packages.name",
                    SoftwareTable::RpmPackages => "rpm_packages.name",
                    SoftwareTable::Apps => "apps.name",
                };
                let lower = name.to_lowercase();
                if let Some(p) = sig.software_names.iter().find(|p| lower.contains(p.as_str())) {
                    facts.push(fact(field, name, p));
                }
                if let Some(id) = bundle_id {
                    let lower = id.to_lowercase();
                    let exact = sig.bundle_ids.iter().find(|p| **p == lower);
                    let prefix =
                        || sig.bundle_id_prefixes.iter().find(|p| lower.starts_with(p.as_str()));
                    if let Some(p) = exact.or_else(prefix) {
                        facts.push(fact("apps.bundle_identifier", id, p));
                    }
                }
            }
            Observation::UsbDevice { vendor_id, product_id, vendor, product, serial } => {
                if let (Some(v), Some(p)) = (vendor_id, product_id)
                    && let Some(id) =
                        sig.usb.iter().find(|u| u.vendor_id == *v && u.product_id == *p)
                {
                    let pattern = format!("{}:{}", id.vendor_id, id.product_id);
                    facts.push(fact(
                        "usb_devices.vendor_id:model_id",
                        &format!("{v}:{p}"),
                        &pattern,
                    ));
                }
                for (field, value) in
                    [("usb_devices.vendor", vendor), ("usb_devices.model", product)]
                {
                    let Some(value) = value else { continue };
                    let lower = value.to_lowercase();
                    if let Some(p) = sig.usb_strings.iter().find(|p| lower.contains(p.as_str())) {
                        facts.push(fact(field, value, p));
                    }
                }
                if let Some(value) = serial {
                    let lower = value.trim().to_lowercase();
                    if let Some(p) = sig.usb_serials.iter().find(|p| **p == lower) {
                        facts.push(fact("usb_devices.serial", value, p));
                    }
                }
            }
            Observation::ArpEntry { mac: Some(mac), .. } => {
                if let Some(p) = sig.mac_prefixes.iter().find(|p| mac.starts_with(p.as_str())) {
                    facts.push(fact("arp_cache.mac", mac, p));
                }
            }
            Observation::ArpEntry { mac: None, .. } | Observation::Other { .. } => {}
        }
        facts
    }

    /// The signatures an osquery observation matches. A removed row (software uninstalled, a
    /// device unplugged) still matches: it shows the thing was there.
    pub fn match_observation(&self, observation: &HostObservation) -> Vec<SignatureMatch> {
        let observed = &observation.observed;
        // A serial alone (CAFEBABE) is only telling on a device that is already a USB gadget.
        self.entries
            .iter()
            .filter_map(|sig| {
                let facts = Self::match_one(sig, observed);
                let only_serial = facts.iter().all(|f| f.field == "usb_devices.serial");
                if only_serial && !facts.is_empty() {
                    let gadget = matches!(observed, Observation::UsbDevice { vendor_id: Some(v), .. } if v == "1d6b");
                    if !gadget {
                        return None;
                    }
                }
                Self::found(sig, facts)
            })
            .collect()
    }

    /// The signatures a host name matches (its first label against `hostnames`).
    pub fn match_hostname(&self, hostname: &str) -> Vec<SignatureMatch> {
        let Some(short) = short_hostname(hostname) else {
            return Vec::new();
        };
        self.entries
            .iter()
            .filter_map(|sig| {
                let facts = sig
                    .hostnames
                    .iter()
                    .find(|h| **h == short)
                    .map(|h| vec![fact("hostname", hostname, h)])
                    .unwrap_or_default();
                Self::found(sig, facts)
            })
            .collect()
    }

    /// The signatures an event matches: its host observation, and the host name of the device
    /// it names.
    pub fn match_event(&self, event: &Event) -> Vec<SignatureMatch> {
        let mut out =
            event.observation.as_ref().map(|o| self.match_observation(o)).unwrap_or_default();
        if let Some(host) = &event.device.hostname {
            for m in self.match_hostname(host) {
                match out.iter_mut().find(|o| o.id == m.id) {
                    Some(existing) => existing.facts.extend(m.facts),
                    None => out.push(m),
                }
            }
        }
        out
    }
}
