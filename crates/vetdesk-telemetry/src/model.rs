//! The normalised event: one sign-in, one failed sign-in or one host observation, whatever the
//! vendor. Readers fill it from each vendor's own fields; the post-hire rules read only this.
//! TypeScript types are generated from these types (ts-rs), like the core's model.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The export formats Vetdesk reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "TelemetryFormat")]
pub enum Format {
    /// Okta System Log `LogEvent` objects: a JSON array or one object per line.
    Okta,
    /// Microsoft Graph `signIn` objects (Entra ID sign-in logs): `{"value":[…]}`, an array, or
    /// one object per line.
    Entra,
    /// Google Workspace Reports API activities of application `login`: `{"items":[…]}`, an
    /// array, or one object per line.
    Workspace,
    /// osqueryd results log: one JSON object per line, differential or snapshot.
    Osquery,
    /// `time,account,ip,country,event,device,detail`, for any other source.
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] =
        [Format::Okta, Format::Entra, Format::Workspace, Format::Osquery, Format::Csv];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Okta => "okta",
            Format::Entra => "entra",
            Format::Workspace => "workspace",
            Format::Osquery => "osquery",
            Format::Csv => "csv",
        }
    }

    /// Line formats report problems by line; JSON arrays by element index.
    pub fn is_line_format(self) -> bool {
        matches!(self, Format::Osquery | Format::Csv)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown telemetry format {given:?}; expected one of okta, entra, workspace, osquery, csv")]
pub struct UnknownFormat {
    pub given: String,
}

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| UnknownFormat { given: s.to_string() })
    }
}

/// What an event is, as far as the post-hire rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "TelemetryEventKind")]
pub enum EventKind {
    SignIn,
    FailedSignIn,
    /// Host observations (osquery) and identity-provider events other than sign-ins.
    Other,
}

/// Whether the vendor says the action succeeded, with its own words for why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryOutcome")]
pub struct Outcome {
    pub success: bool,
    /// The vendor's result or error code as given (`FAILURE`, `50126`, `login_failure`).
    pub code: Option<String>,
    /// The vendor's reason text (`INVALID_CREDENTIALS`, `Invalid username or password…`).
    pub reason: Option<String>,
}

/// Where the vendor placed the request. Coordinates are the vendor's estimate for the IP
/// address, usually a city centroid: see `geo` for how coarse that is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryPlace")]
pub struct Place {
    /// ISO 3166-1 alpha-2, upper case; names given by a vendor are mapped to codes.
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl Place {
    pub fn is_empty(&self) -> bool {
        self.country.is_none()
            && self.region.is_none()
            && self.city.is_none()
            && self.latitude.is_none()
            && self.longitude.is_none()
    }
}

/// What the identity provider itself said about the network the request came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryNetworkMarks")]
pub struct NetworkMarks {
    /// Okta `securityContext.isProxy`: the address is a known proxy, VPN or anonymiser.
    pub is_proxy: Option<bool>,
    /// Entra: a risk detection of type `anonymizedIPAddress` on this sign-in.
    pub anonymized_ip: bool,
    /// Okta `securityContext.asOrg` / Workspace `networkInfo.ipAsn` (as text).
    pub as_org: Option<String>,
    pub as_number: Option<u32>,
    /// Okta `securityContext.isp`.
    pub isp: Option<String>,
    /// Okta `securityContext.domain`.
    pub domain: Option<String>,
    /// Entra `riskLevelDuringSignIn` / `riskLevelAggregated` when not `none`.
    pub risk_level: Option<String>,
    /// Entra `riskEventTypes_v2` (or `riskEventTypes`), as given.
    pub risk_event_types: Vec<String>,
    /// Other vendor markings worth showing (`is_suspicious` on a Workspace login).
    pub flags: Vec<String>,
}

impl NetworkMarks {
    pub fn is_empty(&self) -> bool {
        self == &NetworkMarks::default()
    }
}

/// The device the event names, as the vendor gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryDevice")]
pub struct Device {
    pub serial: Option<String>,
    pub hostname: Option<String>,
    /// The vendor's device id (Entra `deviceDetail.deviceId`, Okta `device.id`, osquery
    /// `host_uuid` decoration).
    pub device_id: Option<String>,
    pub operating_system: Option<String>,
}

impl Device {
    pub fn is_empty(&self) -> bool {
        self == &Device::default()
    }
}

/// Which osquery table a software row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "SoftwareTable")]
pub enum SoftwareTable {
    /// Windows `programs`.
    Programs,
    DebPackages,
    RpmPackages,
    /// macOS `apps`.
    Apps,
}

/// How an osquery row was reported: differential results say what changed, snapshots what is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "OsqueryAction")]
pub enum RowAction {
    Added,
    Removed,
    Snapshot,
}

/// One fact a host reported about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "what", rename_all = "snake_case")]
#[ts(rename = "HostObservation")]
pub enum Observation {
    Software {
        table: SoftwareTable,
        name: String,
        version: Option<String>,
        /// macOS bundle identifier (`apps.bundle_identifier`).
        bundle_id: Option<String>,
        publisher: Option<String>,
    },
    Process {
        name: String,
        path: Option<String>,
        cmdline: Option<String>,
    },
    UsbDevice {
        /// Four hex digits, lower case, without `0x` (`1d6b`).
        vendor_id: Option<String>,
        product_id: Option<String>,
        vendor: Option<String>,
        product: Option<String>,
        serial: Option<String>,
    },
    ArpEntry {
        ip: Option<IpAddr>,
        /// Six colon-separated lower-case hex octets.
        mac: Option<String>,
        interface: Option<String>,
    },
    /// A row of a query Vetdesk does not interpret; kept so that nothing is silently dropped.
    Other {
        query: String,
    },
}

/// A host observation with the query and action it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryHostObservation")]
pub struct HostObservation {
    pub query: String,
    pub action: RowAction,
    pub observed: Observation,
}

/// One normalised telemetry event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryEvent")]
pub struct Event {
    pub format: Format,
    /// The vendor's own event id, the idempotency key within its format: Okta `uuid`, Entra
    /// `id`, Workspace `id.time` + `id.uniqueQualifier`; for osquery and CSV rows, which carry
    /// none, the SHA-256 of the row's canonical content (see `id`).
    pub event_id: String,
    #[ts(type = "string")]
    pub time: DateTime<Utc>,
    pub kind: EventKind,
    /// The vendor's own name for the event (`user.session.start`, `login_success`).
    pub vendor_type: Option<String>,
    /// The account as the vendor gave it; match it with `accounts`.
    pub account: Option<String>,
    #[ts(type = "string | null")]
    pub ip: Option<IpAddr>,
    pub place: Place,
    pub user_agent: Option<String>,
    /// Entra `clientAppUsed`, Okta `client.device`.
    pub client_app: Option<String>,
    pub outcome: Option<Outcome>,
    pub network: NetworkMarks,
    pub device: Device,
    pub observation: Option<HostObservation>,
}
