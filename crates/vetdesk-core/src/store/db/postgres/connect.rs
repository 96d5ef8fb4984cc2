//! Connecting to a team database the way libpq users expect: a `postgresql://` URL (or
//! `key=value` string), the password from the URL, `PGPASSWORD` or the password file
//! (`PGPASSFILE`, else `~/.pgpass`), the user from the URL, `PGUSER` or the OS user, and TLS by
//! `sslmode` (disable, prefer, require, verify-ca, verify-full) with `sslrootcert`, `sslcert`
//! and `sslkey`. The client library reads the URL; the TLS and password conventions it does
//! not know are handled here.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use openssl::ssl::{SslConnector, SslFiletype, SslMethod, SslVerifyMode};
use postgres::config::{Host, SslMode};
use postgres_openssl::MakeTlsConnector;

use crate::store::StoreError;

/// How TLS is used (libpq's `sslmode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tls {
    Disable,
    /// TLS when the server offers it, the certificate not checked.
    Prefer,
    /// TLS always, the certificate not checked (libpq's `require` without a root certificate).
    Require,
    /// TLS, the certificate checked against `sslrootcert`, the host name not.
    VerifyCa,
    /// TLS, the certificate and the host name checked.
    VerifyFull,
}

/// Where and as whom to connect: everything needed to open another connection later.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) config: postgres::Config,
    tls: Tls,
    root_cert: Option<PathBuf>,
    client_cert: Option<(PathBuf, PathBuf)>,
}

impl std::fmt::Debug for Target {
    /// Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}

fn bad_url(message: impl Into<String>) -> StoreError {
    StoreError::invalid(format!("database URL: {}", message.into()))
}

impl Target {
    /// Reads a connection string; nothing is connected yet. A `password` typed at a prompt
    /// takes the place of what the URL, `PGPASSWORD` or the password file would give.
    pub(crate) fn parse(url: &str, password: Option<&str>) -> Result<Target, StoreError> {
        let (rest, extra) = split_tls_options(url)?;
        let mut config = postgres::Config::from_str(&rest).map_err(|e| bad_url(e.to_string()))?;
        let mut tls = Tls::Prefer;
        let (mut root_cert, mut cert, mut key, mut passfile) = (None, None, None, None);
        for (k, v) in extra {
            match k.as_str() {
                "sslmode" => {
                    tls = match v.as_str() {
                        "disable" => Tls::Disable,
                        "allow" | "prefer" => Tls::Prefer,
                        "require" => Tls::Require,
                        "verify-ca" => Tls::VerifyCa,
                        "verify-full" => Tls::VerifyFull,
                        other => return Err(bad_url(format!("unknown sslmode {other:?}"))),
                    }
                }
                "sslrootcert" => root_cert = Some(PathBuf::from(v)),
                "sslcert" => cert = Some(PathBuf::from(v)),
                "sslkey" => key = Some(PathBuf::from(v)),
                "passfile" => passfile = Some(PathBuf::from(v)),
                _ => {}
            }
        }
        // libpq: `require` with a root certificate behaves as verify-ca.
        if tls == Tls::Require && root_cert.is_some() {
            tls = Tls::VerifyCa;
        }
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER")
                .ok()
                .filter(|u| !u.is_empty())
                .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
                .ok_or_else(|| bad_url("no user name (give one in the URL or PGUSER)"))?;
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        if let Some(typed) = password {
            config.password(typed);
        } else if config.get_password().is_none()
            && let Some(password) = password_from_environment(&config, passfile.as_deref())?
        {
            config.password(password);
        }
        config.ssl_mode(match tls {
            Tls::Disable => SslMode::Disable,
            Tls::Prefer => SslMode::Prefer,
            _ => SslMode::Require,
        });
        config.application_name("vetdesk");
        let client_cert = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => return Err(bad_url("sslcert and sslkey are given together")),
        };
        if matches!(tls, Tls::VerifyCa | Tls::VerifyFull) && root_cert.is_none() {
            let default = dirs::home_dir().map(|h| h.join(".postgresql/root.crt"));
            root_cert = default.filter(|p| p.is_file());
            if root_cert.is_none() {
                return Err(bad_url(
                    "sslmode verify-ca/verify-full needs sslrootcert (or ~/.postgresql/root.crt)",
                ));
            }
        }
        Ok(Target { config, tls, root_cert, client_cert })
    }

    /// The login this target connects as.
    pub(crate) fn user(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }

    /// `user@host:port/db`, for messages (never the password).
    pub(crate) fn describe(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let db = self.config.get_dbname().unwrap_or(self.user());
        format!("{}@{host}:{port}/{db}", self.user())
    }

    /// Opens one connection.
    pub(crate) fn connect(&self) -> Result<postgres::Client, StoreError> {
        let refused = |e: postgres::Error| {
            // The cause too (a TLS handshake says why it failed only there).
            let reason = e.as_db_error().map_or_else(
                || {
                    let mut text = e.to_string();
                    let mut cause = std::error::Error::source(&e);
                    while let Some(c) = cause {
                        text = format!("{text}: {c}");
                        cause = c.source();
                    }
                    text
                },
                |d| d.message().to_string(),
            );
            // The client's own words (in the cause) when the server asks for a password it
            // was not given.
            let missing = e.as_db_error().is_none()
                && self.config.get_password().is_none()
                && reason.ends_with("password missing");
            let refused_password = e
                .as_db_error()
                .is_some_and(|d| *d.code() == postgres::error::SqlState::INVALID_PASSWORD);
            let kind = if missing {
                super::super::DbErrorKind::PasswordNeeded
            } else if refused_password {
                super::super::DbErrorKind::PasswordRefused
            } else {
                super::super::DbErrorKind::Other
            };
            StoreError::Database(super::super::DbError::new(
                kind,
                format!("cannot connect to {}: {reason}", self.describe()),
            ))
        };
        let mut client = if self.tls == Tls::Disable {
            self.config.connect(postgres::NoTls).map_err(refused)?
        } else {
            let tls = self.tls_connector()?;
            self.config.connect(tls).map_err(refused)?
        };
        // Every statement Vetdesk runs is an indexed lookup or a small scan, run many times: a
        // parallel plan costs a worker's start (milliseconds) per run. Inside a long write (an
        // import) the planner's statistics lag behind the rows the transaction added, and it
        // chose parallel plans for a candidate's links there, which made each lookup ~100 times
        // slower at 100,000 candidates.
        client.batch_execute("SET max_parallel_workers_per_gather = 0").map_err(|e| {
            StoreError::Database(super::super::DbError::new(
                super::super::DbErrorKind::Other,
                format!("cannot set up the connection to {}: {e}", self.describe()),
            ))
        })?;
        Ok(client)
    }

    fn tls_connector(&self) -> Result<MakeTlsConnector, StoreError> {
        let tls_error = |what: &str, e: openssl::error::ErrorStack| {
            bad_url(format!("TLS setup failed ({what}): {e}"))
        };
        let mut builder =
            SslConnector::builder(SslMethod::tls_client()).map_err(|e| tls_error("client", e))?;
        if let Some(root) = &self.root_cert {
            builder.set_ca_file(root).map_err(|e| tls_error("sslrootcert", e))?;
        }
        if let Some((cert, key)) = &self.client_cert {
            builder.set_certificate_chain_file(cert).map_err(|e| tls_error("sslcert", e))?;
            builder
                .set_private_key_file(key, SslFiletype::PEM)
                .map_err(|e| tls_error("sslkey", e))?;
        }
        let verify = matches!(self.tls, Tls::VerifyCa | Tls::VerifyFull);
        builder.set_verify(if verify { SslVerifyMode::PEER } else { SslVerifyMode::NONE });
        let mut connector = MakeTlsConnector::new(builder.build());
        let full = self.tls == Tls::VerifyFull;
        connector.set_callback(move |config, _domain| {
            config.set_verify_hostname(full);
            Ok(())
        });
        Ok(connector)
    }
}

/// Takes the TLS and password-file options the client library does not read out of a URL's
/// query (or a `key=value` string); returns the rest and those options.
fn split_tls_options(url: &str) -> Result<(String, Vec<(String, String)>), StoreError> {
    const OURS: &[&str] = &["sslmode", "sslrootcert", "sslcert", "sslkey", "passfile"];
    let mut taken = Vec::new();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let Some((base, query)) = url.split_once('?') else {
            return Ok((url.to_string(), taken));
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if OURS.contains(&k) {
                taken.push((k.to_string(), percent_decode(v)?));
            } else {
                kept.push(pair);
            }
        }
        let rest =
            if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        Ok((rest, taken))
    } else {
        // key=value form: values in single quotes are not split here (TLS paths rarely have
        // spaces; a quoted one is kept whole by the client's own parser).
        let mut kept = Vec::new();
        for part in url.split_whitespace() {
            match part.split_once('=') {
                Some((k, v)) if OURS.contains(&k) => {
                    taken.push((k.to_string(), v.trim_matches('\'').to_string()))
                }
                _ => kept.push(part),
            }
        }
        Ok((kept.join(" "), taken))
    }
}

fn percent_decode(text: &str) -> Result<String, StoreError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or_else(|| bad_url("a cut %-escape"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad_url("a bad %-escape"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad_url("a %-escape that is not UTF-8"))
}

/// `PGPASSWORD`, else the first matching line of the password file.
fn password_from_environment(
    config: &postgres::Config,
    passfile: Option<&Path>,
) -> Result<Option<String>, StoreError> {
    if let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        return Ok(Some(p));
    }
    let file = passfile
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PGPASSFILE").filter(|f| !f.is_empty()).map(PathBuf::from))
        .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass")));
    let Some(file) = file else { return Ok(None) };
    let Ok(text) = std::fs::read_to_string(&file) else { return Ok(None) };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // libpq ignores a password file others can read; so does Vetdesk.
        if let Ok(meta) = std::fs::metadata(&file)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!("the password file is readable by others and was ignored");
            return Ok(None);
        }
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        // libpq matches a Unix socket against "localhost".
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().unwrap_or("");
    let db = config.get_dbname().unwrap_or(user);
    Ok(pgpass_lookup(&text, &host, &port, db, user))
}

/// The password of the first line of a `.pgpass` text matching host, port, database and user
/// (`*` matches anything; `\:` and `\\` are escapes).
pub(crate) fn pgpass_lookup(
    text: &str,
    host: &str,
    port: &str,
    db: &str,
    user: &str,
) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        field.push(next);
                    }
                }
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let wanted = [host, port, db, user];
        if fields[..4].iter().zip(wanted).all(|(f, w)| f == "*" || f == w) {
            return Some(fields[4].clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_file_matches_host_port_database_and_user_with_wildcards() {
        let text = "# comment\n\
                    db.example:5432:other:rita:nope\n\
                    db.example:5432:vetdesk:rita:s3cr\\:et\n\
                    *:*:*:ivan:ivan-pw\n";
        let find = |h, p, d, u| pgpass_lookup(text, h, p, d, u);
        assert_eq!(find("db.example", "5432", "vetdesk", "rita").as_deref(), Some("s3cr:et"));
        assert_eq!(find("db.example", "5433", "vetdesk", "rita"), None);
        assert_eq!(find("elsewhere", "1", "x", "ivan").as_deref(), Some("ivan-pw"));
        assert_eq!(find("db.example", "5432", "vetdesk", "cora"), None);
    }

    #[test]
    fn tls_options_are_read_from_the_url_and_the_rest_goes_to_the_client() {
        let (rest, taken) = split_tls_options(
            "postgresql://rita@db.corp.example:5433/vetdesk?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rest, "postgresql://rita@db.corp.example:5433/vetdesk?connect_timeout=5");
        assert_eq!(
            taken,
            [
                ("sslmode".to_string(), "verify-full".to_string()),
                ("sslrootcert".to_string(), "/etc/ca.pem".to_string())
            ]
        );
        let target = Target::parse(
            "postgresql://rita:pw@db.corp.example:5433/vetdesk?sslmode=require",
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(target.describe(), "rita@db.corp.example:5433/vetdesk");
        assert_eq!(target.tls, Tls::Require);
        assert!(!format!("{target:?}").contains("pw"), "the password is never shown");
        let bad = Target::parse("postgresql://rita@h/db?sslmode=sometimes", None).err();
        assert!(bad.is_some_and(|e| e.to_string().contains("sslmode")));
        let bad = Target::parse(
            "postgresql://rita@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem&sslcert=/x",
            None,
        )
        .err();
        assert!(bad.is_some_and(|e| e.to_string().contains("sslkey")));
    }
}
