//! Local policy settings, read from `config.toml` in the data directory. Every key is optional;
//! an unknown key or a bad value is refused with the file and key named, so that a typo never
//! silently leaves a limit at its default.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Result, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Largest evidence file accepted, in bytes (default 2 GiB).
    #[ts(type = "number")]
    pub evidence_max_bytes: u64,
    /// The paper reports are laid out on, `a4` or `letter`; when absent, the usual paper of
    /// the user's locale (`Paper::from_environment`).
    pub report_paper: Option<Paper>,
    /// Team mode: the shared PostgreSQL database, a libpq URL such as
    /// `postgresql://rita@db.corp.example/vetdesk?sslmode=verify-full` (no password here: it
    /// comes from PGPASSWORD or ~/.pgpass). `--database-url` and `VETDESK_DATABASE_URL` win.
    #[ts(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// How long people who were not hired are kept (`[retention]`).
    pub retention: RetentionSettings,
}

/// `[retention]`: the not-hired period in years after the decision (default 2; never below 1,
/// 29 CFR 1602.14). The Form I-9 periods are set by law and are not settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSettings {
    pub not_hired_years: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings { not_hired_years: crate::checks::retention::DEFAULT_NOT_HIRED_YEARS }
    }
}

impl RetentionSettings {
    pub fn policy(&self) -> crate::checks::retention::RetentionPolicy {
        crate::checks::retention::RetentionPolicy { not_hired_years: self.not_hired_years }
    }
}

/// Paper sizes for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

/// Territories whose usual paper is US Letter (CLDR's paper-size supplemental data).
const LETTER_TERRITORIES: &[&str] =
    &["US", "CA", "MX", "PR", "PH", "CL", "CO", "VE", "GT", "PA", "CR", "NI", "SV", "BZ"];

impl Paper {
    /// The usual paper of a POSIX locale name such as `en_US.UTF-8`: Letter in the territories
    /// that use it, A4 everywhere else (and for `C` or `POSIX`).
    pub fn for_locale(locale: &str) -> Paper {
        let territory = locale
            .split(['.', '@'])
            .next()
            .and_then(|l| l.split_once(['_', '-']))
            .map(|(_, t)| t.to_ascii_uppercase());
        match territory {
            Some(t) if LETTER_TERRITORIES.contains(&t.as_str()) => Paper::Letter,
            _ => Paper::A4,
        }
    }

    /// The paper of the locale in `LC_ALL`, `LC_PAPER` or `LANG`, the first one set.
    pub fn from_environment() -> Paper {
        ["LC_ALL", "LC_PAPER", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .map_or(Paper::A4, |l| Paper::for_locale(&l))
    }
}

/// Keys that steer red flags and so moved from this file to recorded policy (`SetPolicy`).
const MOVED_TO_POLICY: &[&str] = &["vendor_audit_interval_months"];

pub const DEFAULT_EVIDENCE_MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            evidence_max_bytes: DEFAULT_EVIDENCE_MAX_BYTES,
            report_paper: None,
            database_url: None,
            retention: RetentionSettings::default(),
        }
    }
}

impl Config {
    /// The paper reports are laid out on: the setting, else the locale's usual paper.
    pub fn paper(&self) -> Paper {
        self.report_paper.unwrap_or_else(Paper::from_environment)
    }

    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(StoreError::io(format!("cannot read {}", path.display()), e)),
        };
        if let Ok(table) = toml::from_str::<toml::Table>(&text)
            && let Some(key) = MOVED_TO_POLICY.iter().find(|k| table.contains_key(**k))
        {
            return Err(StoreError::Config {
                path: path.to_path_buf(),
                message: format!(
                    "{key} is a recorded policy now, not a setting: remove it from this file and \
                     set it with `vetdesk policy set {} VALUE --reason TEXT` (compliance or admin), \
                     so that the change and who made it are in the audit trail",
                    key.replace('_', "-")
                ),
            });
        }
        let config: Config = toml::from_str(&text).map_err(|e| StoreError::Config {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        if config.evidence_max_bytes == 0 {
            return Err(StoreError::Config {
                path: path.to_path_buf(),
                message: "evidence_max_bytes must be greater than 0".into(),
            });
        }
        let least = crate::checks::retention::MIN_NOT_HIRED_YEARS;
        if config.retention.not_hired_years < least {
            return Err(StoreError::Config {
                path: path.to_path_buf(),
                message: format!(
                    "retention.not_hired_years must be at least {least}: the EEOC requires hiring \
                     records to be kept one year (29 CFR 1602.14), not {}",
                    config.retention.not_hired_years
                ),
            });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paper_follows_the_locale_unless_set() {
        let cases = [
            ("en_US.UTF-8", Paper::Letter),
            ("fr_CA.UTF-8", Paper::Letter),
            ("es_MX", Paper::Letter),
            ("en_GB.UTF-8", Paper::A4),
            ("de_DE@euro", Paper::A4),
            ("C.UTF-8", Paper::A4),
            ("POSIX", Paper::A4),
            ("", Paper::A4),
        ];
        for (locale, paper) in cases {
            assert_eq!(Paper::for_locale(locale), paper, "{locale:?}");
        }
        let set = Config { report_paper: Some(Paper::Letter), ..Config::default() };
        assert_eq!(set.paper(), Paper::Letter);
    }

    #[test]
    fn missing_file_gives_defaults_and_bad_files_are_refused_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::load(&path).unwrap(), Config::default());

        std::fs::write(&path, "evidence_max_bytes = 1048576\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.evidence_max_bytes, 1_048_576);
        assert_eq!(config.retention.not_hired_years, 2);
        std::fs::write(&path, "[retention]\nnot_hired_years = 3\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().retention.not_hired_years, 3);

        for (text, expected) in [
            ("evidence_max_byte = 5\n", "unknown field `evidence_max_byte`"),
            ("evidence_max_bytes = \"big\"\n", "invalid type"),
            ("evidence_max_bytes = 0\n", "greater than 0"),
            ("[retention]\nnot_hired_years = 0\n", "at least 1"),
            ("[retention]\nnot_hired_yeras = 3\n", "unknown field `not_hired_yeras`"),
            (
                "vendor_audit_interval_months = 24\n",
                "vetdesk policy set vendor-audit-interval-months",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Config::load(&path).unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
            assert!(err.contains("config.toml"), "{err:?} should name the file");
        }
    }
}
