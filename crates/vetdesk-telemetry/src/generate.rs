//! Synthetic Okta System Log exports for benchmarks and tests: `n` `LogEvent` objects shaped
//! like real ones (the fields Vetdesk reads and many it does not), as one JSON array. A fixed
//! seed gives the same bytes every run.

use std::io::{self, Write};

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// xorshift64*: small, fast and repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const PLACES: &[(&str, &str, &str, f64, f64)] = &[
    ("United States", "Texas", "Austin", 30.2672, -97.7431),
    ("United States", "Illinois", "Chicago", 41.8781, -87.6298),
    ("United States", "Washington", "Seattle", 47.6062, -122.3321),
    ("Canada", "Ontario", "Toronto", 43.6532, -79.3832),
    ("United Kingdom", "England", "London", 51.5072, -0.1276),
    ("China", "Liaoning", "Shenyang", 41.8057, 123.4315),
    ("Russia", "Primorye", "Vladivostok", 43.1155, 131.8855),
];

const EVENT_TYPES: &[(&str, &str)] = &[
    ("user.session.start", "User login to Okta"),
    ("user.authentication.sso", "User single sign on to app"),
    ("user.session.end", "User logout from Okta"),
    ("policy.evaluate_sign_on", "Evaluation of sign-on policy"),
];

/// Writes `n` events as a JSON array, one element per line, timed from `start` onwards a few
/// seconds apart. Returns the number of bytes written.
pub fn write_okta_array<W: Write>(
    out: W,
    n: u64,
    start: DateTime<Utc>,
    seed: u64,
) -> io::Result<u64> {
    let mut out = Counting { inner: out, bytes: 0 };
    let mut rng = Rng(seed | 1);
    out.write_all(b"[\n")?;
    let mut at = start;
    for i in 0..n {
        at += Duration::milliseconds(500 + rng.below(4000) as i64);
        let user = rng.below(5000);
        let (country, state, city, lat, lon) =
            PLACES.get(rng.below(PLACES.len() as u64) as usize).copied().unwrap_or(PLACES[0]);
        let (event_type, message) = EVENT_TYPES
            .get(rng.below(EVENT_TYPES.len() as u64) as usize)
            .copied()
            .unwrap_or(EVENT_TYPES[0]);
        let failed = rng.below(20) == 0;
        let (result, reason) =
            if failed { ("FAILURE", "\"INVALID_CREDENTIALS\"") } else { ("SUCCESS", "null") };
        let proxy = rng.below(50) == 0;
        let ip = format!("198.51.{}.{}", rng.below(256), 1 + rng.below(254));
        let r = rng.next();
        let uuid = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            (r >> 32) as u32,
            (r >> 16) as u16,
            (r & 0xfff) as u16,
            (i & 0xfff) as u16,
            i
        );
        if i > 0 {
            out.write_all(b",\n")?;
        }
        write!(
            out,
            r#"{{"actor":{{"id":"00u{user:017}","type":"User","alternateId":"worker{user}@corp.example","displayName":"Worker {user}"}},"client":{{"userAgent":{{"rawUserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0","os":"Windows 10","browser":"CHROME"}},"zone":"null","device":"Computer","ipAddress":"{ip}","geographicalContext":{{"city":"{city}","state":"{state}","country":"{country}","postalCode":null,"geolocation":{{"lat":{lat},"lon":{lon}}}}}}},"authenticationContext":{{"authenticationStep":0,"externalSessionId":"102{r:x}"}},"displayMessage":"{message}","eventType":"{event_type}","outcome":{{"result":"{result}","reason":{reason}}},"published":"{published}","securityContext":{{"asNumber":64500,"asOrg":"example carrier","isp":"example isp","domain":"example.net","isProxy":{proxy}}},"severity":"INFO","debugContext":{{"debugData":{{"requestId":"reqId{r:x}","requestUri":"/api/v1/authn"}}}},"legacyEventType":"core.user_auth.login_success","transaction":{{"type":"WEB","id":"trs{r:x}","detail":{{}}}},"uuid":"{uuid}","version":"0","request":{{"ipChain":[{{"ip":"{ip}","version":"V4","source":null}}]}},"target":[{{"id":"0oa{r:x}","type":"AppInstance","alternateId":"Corp Portal","displayName":"Corp Portal"}}]}}"#,
            published = at.to_rfc3339_opts(SecondsFormat::Millis, true),
        )?;
    }
    out.write_all(b"\n]\n")?;
    out.flush()?;
    Ok(out.bytes)
}

struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
