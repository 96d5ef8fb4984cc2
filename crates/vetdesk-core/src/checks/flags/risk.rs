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
/// low flags 40. The band is the severity of the most severe open flag, so the label always
/// agrees with the flags: a pile of high flags scores 97 and is labelled high, never critical
/// (the score ranks cases within a band; the band says what is open).
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
    r.band = if r.critical > 0 {
        RiskBand::Critical
    } else if r.high > 0 {
        RiskBand::High
    } else if r.medium > 0 {
        RiskBand::Medium
    } else if r.low > 0 {
        RiskBand::Low
    } else {
        RiskBand::None
    };
    r
}
