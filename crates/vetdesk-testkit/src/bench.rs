//! What the benchmarks share: settings from the environment, timing, and rates.

use std::time::{Duration, Instant};

/// A number from the environment, or `default` when unset or not a number.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// How long `f` took, and what it returned.
pub fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

/// Megabytes (10^6 bytes) per second.
pub fn mb_per_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The middle sample.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The 99th percentile of `samples` (the slowest one below a hundred samples).
pub fn p99(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[(sorted.len() * 99 / 100).min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The file every benchmark of a `make bench` run adds its headline figures to, one line each;
/// `scripts/bench-summary.sh` turns it into the closing table and `docs/benchmarks.md`.
pub fn summary_file() -> std::path::PathBuf {
    std::env::var_os("VETDESK_BENCH_SUMMARY").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-summary.tsv"),
        Into::into,
    )
}

/// One headline figure: what was measured, its value and the baseline from the same run (as
/// text with units), their ratio, the goal, and whether it was met. Printed, and added to
/// [`summary_file`].
pub fn summary(figure: &str, value: &str, baseline: &str, ratio: f64, goal: &str, pass: bool) {
    use std::io::Write as _;
    let verdict = if pass { "pass" } else { "FAIL" };
    let line = format!("{figure}\t{value}\t{baseline}\t{ratio:.2}\t{goal}\t{verdict}");
    println!("summary: {}", line.replace('\t', " | "));
    let path = summary_file();
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        eprintln!("could not add to {}: {e}", path.display());
    }
}

/// xorshift64*: a fixed seed gives the same population every run.
pub struct Rng(pub u64);

impl Rng {
    /// The seed every population starts from.
    pub fn seeded() -> Rng {
        Rng(0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(1000) < percent * 10
    }
}

const STREETS: &[&str] =
    &["Main", "Oak", "Maple", "Cedar", "Elm", "Pine", "Lake", "Hill", "Park", "Washington"];
const SUFFIXES: &[&str] = &["St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct"];
const CITIES: &[(&str, &str, &str)] = &[
    ("Austin", "TX", "787"),
    ("Chicago", "IL", "606"),
    ("Denver", "CO", "802"),
    ("Seattle", "WA", "981"),
    ("Atlanta", "GA", "303"),
    ("Boston", "MA", "021"),
    ("Phoenix", "AZ", "850"),
    ("Newark", "NJ", "071"),
];

/// The columns of [`population`]'s rows, as an import file has them.
pub const POPULATION_COLUMNS: [&str; 9] = [
    "external_id",
    "full_name",
    "email",
    "phone",
    "home_address",
    "shipping_address",
    "claimed_location",
    "ip_address",
    "role",
];

/// `total` candidates with the sharing a facilitator network leaves: everyone has their own
/// phone, mailbox, home and application IP, except where a phone ring, a shared mailbox, a
/// laptop farm, a PMB or a VPN exit ties them together. The same rows every run from `rng`.
pub fn population(total: usize, rng: &mut Rng) -> Vec<vetdesk_core::import::ImportRow> {
    let mut rows = Vec::with_capacity(total);
    let mut ring_phone = String::new();
    let mut ring_mail = String::new();
    let mut farm = String::new();
    let mut pmb = String::new();
    let vpn_exits: Vec<String> = (0..40).map(|i| format!("203.0.113.{}", i + 10)).collect();
    for i in 0..total {
        let (city, state, zip) = CITIES[i % CITIES.len()];
        let street = format!(
            "{} {} {}",
            100 + i / 70,
            STREETS[rng.below(STREETS.len() as u64) as usize],
            SUFFIXES[(i / 7) % SUFFIXES.len()]
        );
        let home_line = format!("{street} Apt {}, {city}, {state} {zip}{:02}", i % 97 + 1, i % 89);
        let mut phone =
            format!("+1 ({}) {}-{:04}", 201 + (i / 8000) % 700, 200 + (i / 10) % 700, i % 10_000);
        let mut email = format!("cand{i}.dev@example.com");
        let mut home = home_line.clone();
        let mut shipping = None;
        let mut ip = format!("100.{}.{}.{}", 64 + (i >> 16) % 64, (i >> 8) % 256, i % 256);
        // A phone ring: every 6th candidate of a ring block reuses the ring's number.
        if rng.chance(2) {
            if ring_phone.is_empty() || rng.chance(25) {
                ring_phone = phone.clone();
            }
            phone = ring_phone.replace(['(', ')'], " ");
        }
        // One Gmail mailbox behind several candidates, spelled with dots and tags.
        if rng.chance(1) {
            if ring_mail.is_empty() || rng.chance(30) {
                ring_mail = format!("talent.hub{i}");
            }
            email = format!("{}+c{i}@gmail.com", ring_mail.replace('.', ""));
        }
        // A laptop farm: several candidates at one house; a PMB several ship to.
        if rng.chance(1) {
            if farm.is_empty() || rng.chance(20) {
                farm = home.clone();
            }
            home = farm.to_uppercase().replace(" APT ", " # ");
        }
        if rng.chance(1) {
            if pmb.is_empty() || rng.chance(5) {
                pmb = format!(
                    "{} Commerce Dr Ste 100 PMB {}, {city}, {state} {zip}01",
                    500 + i % 50,
                    i % 900
                );
            }
            shipping = Some(pmb.clone());
        }
        // VPN exits, each seen behind dozens of candidates.
        if rng.chance(2) {
            ip = vpn_exits[rng.below(vpn_exits.len() as u64) as usize].clone();
        }
        rows.push(vetdesk_core::import::ImportRow {
            line: i as u64 + 2,
            external_id: format!("ATS-{i:06}"),
            full_name: format!("Candidate {i}"),
            emails: vec![email],
            phones: vec![phone],
            home_address: Some(home),
            shipping_address: shipping,
            claimed_location: Some(format!("{city}, {state}")),
            ip_address: Some(ip),
            vendor: None,
            role: Some("Backend engineer".into()),
            applied_on: None,
        });
    }
    rows
}

/// The rows as a candidate CSV with [`POPULATION_COLUMNS`], every cell quoted.
pub fn population_csv(rows: &[vetdesk_core::import::ImportRow]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = POPULATION_COLUMNS.join(",");
    out.push('\n');
    for r in rows {
        let cells = [
            r.external_id.as_str(),
            r.full_name.as_str(),
            &r.emails.join(";"),
            &r.phones.join(";"),
            r.home_address.as_deref().unwrap_or(""),
            r.shipping_address.as_deref().unwrap_or(""),
            r.claimed_location.as_deref().unwrap_or(""),
            r.ip_address.as_deref().unwrap_or(""),
            r.role.as_deref().unwrap_or(""),
        ]
        .map(quote);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
