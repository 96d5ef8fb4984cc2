//! The risk score of a case from the severities of its open flags.

use super::*;

// ---- risk ----

/// The weight of one open flag of a severity.
pub(super) fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Low => 0.05,
        Severity::Medium => 0.15,
        Severity::High => 0.35,
        Severity::Critical => 0.60,
    }
}

/// Risk score of a case from its open flags: `100 × (1 − Π (1 − wᵢ))` over the open flags, with
/// weights low 0.05, medium 0.15, high 0.35, critical 0.60 ("noisy-or": each flag is read as an
/// independent chance that something is wrong). The score stays within 0–100, grows with every
/// flag, and each further flag adds less than the one before, so a pile of low flags never
/// outranks a few serious ones: one critical flag alone scores 60, three high flags 73, ten
/// low flags 40. Bands: none (0), low (< 25), medium (< 50), high (< 75), critical (≥ 75).
pub fn risk_score(severities: impl IntoIterator<Item = Severity>) -> RiskScore {
    let mut keep = 1.0;
    let mut r = RiskScore {
        score: 0,
        band: RiskBand::None,
        open_flags: 0,
        low: 0,
        medium: 0,
        high: 0,
        critical: 0,
    };
    for s in severities {
        keep *= 1.0 - weight(s);
        r.open_flags += 1;
        match s {
            Severity::Low => r.low += 1,
            Severity::Medium => r.medium += 1,
            Severity::High => r.high += 1,
            Severity::Critical => r.critical += 1,
        }
    }
    r.score = ((1.0 - keep) * 100.0).round().clamp(0.0, 100.0) as u8;
    r.band = match r.score {
        0 => RiskBand::None,
        1..25 => RiskBand::Low,
        25..50 => RiskBand::Medium,
        50..75 => RiskBand::High,
        _ => RiskBand::Critical,
    };
    r
}
