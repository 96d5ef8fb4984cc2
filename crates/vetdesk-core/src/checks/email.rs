//! Email addresses: validate the common form, normalise it, and build a comparison key that
//! sees through the variations a provider delivers to one mailbox (Gmail's dots, plus tags),
//! so that one person's or facilitator's mailbox is recognised across candidates.
//!
//! The key rules are deliberately few: a rule applied to a provider that does not have it would
//! merge two people's mailboxes, which is worse than missing a link.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

pub const EMAIL_SOURCE: Source = Source::new(
    "RFC 5322 (Internet Message Format) and RFC 5321 (SMTP)",
    "RFC 5322 3.4.1 addr-spec in dot-atom form; RFC 5321 4.5.3.1 size limits",
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("no email address: the input is empty")]
    Empty,
    #[error("{input:?} has no @ between a mailbox name and a domain")]
    NoAt { input: String },
    #[error("{input:?} has more than one @ (quoted mailbox names are not accepted)")]
    ManyAt { input: String },
    #[error("{input:?} has an empty mailbox name before the @")]
    EmptyLocal { input: String },
    #[error("{input:?}: the mailbox name is {len} characters long; at most 64 are allowed")]
    LocalTooLong { input: String, len: usize },
    #[error("{input:?}: the mailbox name may not start or end with a dot or hold two in a row")]
    LocalDots { input: String },
    #[error("{input:?}: character {found:?} is not allowed in the mailbox name")]
    LocalCharacter { input: String, found: char },
    #[error(
        "{input:?} has non-ASCII characters; write an internationalised domain in its xn-- form"
    )]
    NonAscii { input: String },
    #[error("{input:?}: address literals ([192.0.2.1]) are not accepted")]
    DomainLiteral { input: String },
    #[error("{input:?}: domain {domain:?} is not valid: {reason}")]
    Domain { input: String, domain: String, reason: &'static str },
    #[error("{input:?} is {len} characters long; an address holds at most 254")]
    TooLong { input: String, len: usize },
}

/// A provider-specific rule used to build the comparison key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum KeyRule {
    /// googlemail.com is the same mail system as gmail.com.
    GoogleMailDomain,
    /// Gmail ignores dots in the mailbox name.
    GmailDots,
    /// The provider delivers `name+tag@` to `name@`.
    PlusTag { tag: String },
}

/// An address, normalised, with its comparison key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NormalizedEmail {
    pub input: String,
    /// Trimmed and lower-cased. RFC 5321 lets a mailbox name be case-sensitive, but no common
    /// provider makes use of it, and comparing without case is what a reader expects.
    pub address: String,
    pub local: String,
    pub domain: String,
    /// Two addresses with the same key reach the same mailbox.
    pub key: String,
    /// Provider rules that made the key differ from `address`.
    pub key_rules: Vec<KeyRule>,
    pub free_mail: bool,
    /// What was removed from the input to read it (display name, mailto:, trailing dot).
    pub notes: Vec<String>,
}

impl NormalizedEmail {
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = vec![Finding::new(
            "email.valid",
            Outcome::Pass,
            format!("{} is a well-formed address", self.address),
            EMAIL_SOURCE,
        )];
        if self.key != self.address {
            out.push(Finding::new(
                "email.key",
                Outcome::Info,
                format!("{} reaches the same mailbox as {}", self.address, self.key),
                provider_source(),
            ));
        }
        if self.free_mail {
            out.push(Finding::new(
                "email.free_mail",
                Outcome::Info,
                format!("{} is a free webmail domain", self.domain),
                Source::new(
                    "FBI/IC3 and NYDFS advisories on North Korean IT workers",
                    "workers apply with free webmail accounts rather than a domain of their own",
                ),
            ));
        }
        out
    }
}

fn provider_source() -> Source {
    Source::new(
        "Provider documentation: Google Account Help (dots in Gmail addresses, + aliases); \
         Microsoft Support (plus addressing in Outlook.com); Proton Support (+aliases)",
        "sub-addressing as defined in RFC 5233",
    )
}

const GMAIL: &[&str] = &["gmail.com", "googlemail.com"];

/// Microsoft's consumer domains, which all accept plus addressing.
const MICROSOFT: &[&str] = &[
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "passport.com",
    "outlook.fr",
    "outlook.de",
    "outlook.es",
    "outlook.it",
    "outlook.jp",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.es",
    "hotmail.it",
    "hotmail.ca",
    "live.co.uk",
    "live.fr",
    "live.de",
    "live.ca",
    "live.com.au",
];

const PROTON: &[&str] = &["proton.me", "protonmail.com", "protonmail.ch", "pm.me"];

/// Free webmail domains: anyone can open a mailbox in minutes without showing who they are.
/// Not a finding against a candidate on its own, but a fact the reviewer should see.
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    // Google, Microsoft, Yahoo, Apple, AOL
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.it",
    "hotmail.es",
    "live.co.uk",
    "live.fr",
    "outlook.fr",
    "outlook.de",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.co.jp",
    "yahoo.co.in",
    "yahoo.com.br",
    "ymail.com",
    "rocketmail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "aim.com",
    // privacy-oriented
    "proton.me",
    "protonmail.com",
    "protonmail.ch",
    "pm.me",
    "tutanota.com",
    "tutanota.de",
    "tuta.io",
    "tuta.com",
    // European
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "ya.ru",
    "mail.ru",
    "bk.ru",
    "inbox.ru",
    "list.ru",
    "rambler.ru",
    "ukr.net",
    // Asian
    "qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "sina.com",
    "sohu.com",
    "aliyun.com",
    "naver.com",
    "daum.net",
    "hanmail.net",
    "rediffmail.com",
];

/// Whether a domain (or the domain of an address) is a free webmail domain.
pub fn is_free_mail(domain_or_address: &str) -> bool {
    let text = domain_or_address.trim();
    let domain = text.rsplit_once('@').map_or(text, |(_, d)| d);
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    FREE_MAIL_DOMAINS.contains(&domain.as_str())
}

/// Characters RFC 5322 allows in a dot-atom besides letters, digits and dots.
const ATEXT_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

/// Validate and normalise an address.
///
/// Accepts what people paste: surrounding spaces, `mailto:`, a display name with the address
/// in angle brackets (`Anna Eriksson <anna@example.com>`), upper case, a trailing dot on the
/// domain. Refuses quoted mailbox names, address literals and non-ASCII text, which legitimate
/// job applicants do not use and which would make keys ambiguous.
pub fn normalize(input: &str) -> Result<NormalizedEmail, EmailError> {
    let original = input.trim();
    if original.is_empty() {
        return Err(EmailError::Empty);
    }
    let err_input = original.to_string();
    let mut notes = Vec::new();
    let mut text = original;
    if let (Some(open), true) = (text.rfind('<'), text.ends_with('>')) {
        text = text.get(open + 1..text.len() - 1).unwrap_or("").trim();
        notes.push("took the address from between < and >".to_string());
    }
    if text.len() > 7 && text.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        text = text.get(7..).unwrap_or("");
        notes.push("removed mailto:".to_string());
    }
    if !text.is_ascii() {
        return Err(EmailError::NonAscii { input: err_input });
    }
    let (local, domain) = match text.split_once('@') {
        None => return Err(EmailError::NoAt { input: err_input }),
        Some((_, d)) if d.contains('@') => return Err(EmailError::ManyAt { input: err_input }),
        Some(parts) => parts,
    };
    if local.is_empty() {
        return Err(EmailError::EmptyLocal { input: err_input });
    }
    if local.len() > 64 {
        return Err(EmailError::LocalTooLong { input: err_input, len: local.len() });
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::LocalDots { input: err_input });
    }
    if let Some(found) = local
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '.' || ATEXT_SPECIALS.contains(*c)))
    {
        return Err(EmailError::LocalCharacter { input: err_input, found });
    }
    if domain.starts_with('[') {
        return Err(EmailError::DomainLiteral { input: err_input });
    }
    let mut domain = domain.to_ascii_lowercase();
    if domain.ends_with('.') && !domain.ends_with("..") {
        domain.pop();
        notes.push("removed the trailing dot of the domain".to_string());
    }
    check_domain(&domain).map_err(|reason| EmailError::Domain {
        input: err_input.clone(),
        domain: domain.clone(),
        reason,
    })?;
    let local = local.to_ascii_lowercase();
    let address = format!("{local}@{domain}");
    if address.len() > 254 {
        return Err(EmailError::TooLong { input: err_input, len: address.len() });
    }

    let mut key_rules = Vec::new();
    let mut key_local = local.clone();
    let mut key_domain = domain.clone();
    let plus_tags = GMAIL.contains(&domain.as_str())
        || MICROSOFT.contains(&domain.as_str())
        || PROTON.contains(&domain.as_str());
    if plus_tags
        && let Some((base, tag)) = key_local.split_once('+')
        && !base.is_empty()
    {
        key_rules.push(KeyRule::PlusTag { tag: tag.to_string() });
        key_local = base.to_string();
    }
    if GMAIL.contains(&domain.as_str()) {
        if domain == "googlemail.com" {
            key_domain = "gmail.com".to_string();
            key_rules.push(KeyRule::GoogleMailDomain);
        }
        if key_local.contains('.') {
            key_local = key_local.replace('.', "");
            key_rules.push(KeyRule::GmailDots);
        }
    }
    Ok(NormalizedEmail {
        input: original.to_string(),
        free_mail: is_free_mail(&domain),
        key: format!("{key_local}@{key_domain}"),
        address,
        local,
        domain,
        key_rules,
        notes,
    })
}

/// The comparison key of an address (see [`normalize`]).
pub fn comparison_key(input: &str) -> Result<String, EmailError> {
    normalize(input).map(|e| e.key)
}

fn check_domain(domain: &str) -> Result<(), &'static str> {
    if domain.is_empty() {
        return Err("it is empty");
    }
    if domain.len() > 253 {
        return Err("it is longer than 253 characters");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("it has no dot; a public domain has at least two labels");
    }
    for label in &labels {
        if label.is_empty() {
            return Err("it has an empty label (two dots in a row, or a leading dot)");
        }
        if label.len() > 63 {
            return Err("a label is longer than 63 characters");
        }
        if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("labels hold only letters, digits and hyphens");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label starts or ends with a hyphen");
        }
    }
    if labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Err("the top-level label is all digits");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (spelling, normalised address, key, free mail)
    const SPELLINGS: &[(&str, &str, &str, bool)] = &[
        (
            "anna.eriksson@example.com",
            "anna.eriksson@example.com",
            "anna.eriksson@example.com",
            false,
        ),
        (
            "  Anna.Eriksson@Example.COM  ",
            "anna.eriksson@example.com",
            "anna.eriksson@example.com",
            false,
        ),
        (
            "Anna Eriksson <anna.eriksson@example.com>",
            "anna.eriksson@example.com",
            "anna.eriksson@example.com",
            false,
        ),
        ("\"Eriksson, Anna\" <Anna@Example.com>", "anna@example.com", "anna@example.com", false),
        ("mailto:anna@example.com", "anna@example.com", "anna@example.com", false),
        ("MAILTO:anna@example.com", "anna@example.com", "anna@example.com", false),
        ("anna@example.com.", "anna@example.com", "anna@example.com", false),
        // Plus tags are mailbox names of their own outside the listed providers.
        ("anna+jobs@example.com", "anna+jobs@example.com", "anna+jobs@example.com", false),
        ("a.n.n.a@example.com", "a.n.n.a@example.com", "a.n.n.a@example.com", false),
        // Gmail: dots and plus tags ignored, googlemail.com is gmail.com.
        ("anna.eriksson@gmail.com", "anna.eriksson@gmail.com", "annaeriksson@gmail.com", true),
        ("AnnaEriksson@gmail.com", "annaeriksson@gmail.com", "annaeriksson@gmail.com", true),
        (
            "a.n.n.a.e.r.i.k.s.s.o.n@gmail.com",
            "a.n.n.a.e.r.i.k.s.s.o.n@gmail.com",
            "annaeriksson@gmail.com",
            true,
        ),
        (
            "anna.eriksson+jobs@gmail.com",
            "anna.eriksson+jobs@gmail.com",
            "annaeriksson@gmail.com",
            true,
        ),
        (
            "anna.eriksson+a+b@gmail.com",
            "anna.eriksson+a+b@gmail.com",
            "annaeriksson@gmail.com",
            true,
        ),
        (
            "Anna.Eriksson@googlemail.com",
            "anna.eriksson@googlemail.com",
            "annaeriksson@gmail.com",
            true,
        ),
        ("anna_eriksson@gmail.com", "anna_eriksson@gmail.com", "anna_eriksson@gmail.com", true),
        // Microsoft: plus tags only; dots are significant.
        (
            "anna.eriksson+apply@outlook.com",
            "anna.eriksson+apply@outlook.com",
            "anna.eriksson@outlook.com",
            true,
        ),
        (
            "anna.eriksson@outlook.com",
            "anna.eriksson@outlook.com",
            "anna.eriksson@outlook.com",
            true,
        ),
        ("annaeriksson@outlook.com", "annaeriksson@outlook.com", "annaeriksson@outlook.com", true),
        ("anna+x@hotmail.co.uk", "anna+x@hotmail.co.uk", "anna@hotmail.co.uk", true),
        ("anna+x@live.com", "anna+x@live.com", "anna@live.com", true),
        // Proton: plus tags.
        ("anna+vetting@proton.me", "anna+vetting@proton.me", "anna@proton.me", true),
        ("anna+vetting@pm.me", "anna+vetting@pm.me", "anna@pm.me", true),
        // Yahoo's "-keyword" addresses hang off a separate base name, not the mailbox name:
        // stripping them would not find the owner, so they are left alone.
        ("anna-jobs@yahoo.com", "anna-jobs@yahoo.com", "anna-jobs@yahoo.com", true),
        ("anna+jobs@yahoo.com", "anna+jobs@yahoo.com", "anna+jobs@yahoo.com", true),
        // Apple's plus-address support is undocumented: not applied.
        ("anna+x@icloud.com", "anna+x@icloud.com", "anna+x@icloud.com", true),
        ("+jobs@gmail.com", "+jobs@gmail.com", "+jobs@gmail.com", true),
        ("o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie", false),
        ("user@mail.ru", "user@mail.ru", "user@mail.ru", true),
        ("12345678@qq.com", "12345678@qq.com", "12345678@qq.com", true),
        ("user@163.com", "user@163.com", "user@163.com", true),
        ("user@sub.example.co.kp", "user@sub.example.co.kp", "user@sub.example.co.kp", false),
        (
            "user@xn--bcher-kva.example",
            "user@xn--bcher-kva.example",
            "user@xn--bcher-kva.example",
            false,
        ),
    ];

    #[test]
    fn real_world_spellings() {
        for &(text, address, key, free) in SPELLINGS {
            let e = normalize(text).unwrap_or_else(|err| panic!("{text:?}: {err}"));
            assert_eq!(e.address, address, "{text:?}");
            assert_eq!(e.key, key, "{text:?}");
            assert_eq!(e.free_mail, free, "{text:?}");
            assert_eq!(e.key_rules.is_empty(), e.key == e.address, "{text:?}: {:?}", e.key_rules);
        }
        assert!(SPELLINGS.len() >= 30);
    }

    #[test]
    fn invalid_addresses_say_what_is_wrong() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("anna@{}.com", "a".repeat(64));
        let rows: Vec<(&str, &str)> = vec![
            ("", "empty"),
            ("anna.example.com", "no @"),
            ("anna@@example.com", "more than one @"),
            ("\"anna@home\"@example.com", "more than one @"),
            ("@example.com", "empty mailbox name"),
            (&long_local, "65 characters long"),
            (".anna@example.com", "start or end with a dot"),
            ("anna.@example.com", "start or end with a dot"),
            ("an..na@example.com", "two in a row"),
            ("an na@example.com", "character ' '"),
            ("anna,e@example.com", "character ','"),
            ("anna@bücher.example", "non-ASCII"),
            ("anna@[192.0.2.1]", "address literals"),
            ("anna@localhost", "no dot"),
            ("anna@example..com", "empty label"),
            ("anna@.example.com", "empty label"),
            ("anna@-example.com", "hyphen"),
            ("anna@exa_mple.com", "letters, digits and hyphens"),
            (&long_label, "longer than 63"),
            ("anna@192.0.2.1", "all digits"),
            ("anna@", "it is empty"),
        ];
        for (text, want) in rows {
            let err = normalize(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn free_mail_lookup_takes_domains_or_addresses() {
        for yes in [
            "gmail.com",
            "GMAIL.COM",
            "anna@Proton.me",
            "qq.com",
            "163.com",
            "gmx.de",
            "yandex.ru",
            "mail.ru.",
        ] {
            assert!(is_free_mail(yes), "{yes}");
        }
        for no in ["example.com", "gmail.co", "mygmail.com", "company.kp", "anna@vetdesk.example"] {
            assert!(!is_free_mail(no), "{no}");
        }
    }

    #[test]
    fn same_mailbox_across_candidates() {
        let given = [
            (1, "Anna.Eriksson@gmail.com"),
            (2, "annaeriksson+work@googlemail.com"),
            (3, "anna.eriksson@outlook.com"),
            (4, "anna.eriksson+x@outlook.com"),
            (5, "anna.eriksson@example.com"),
        ];
        let keyed = given.iter().map(|(who, text)| (*who, comparison_key(text).unwrap()));
        let shared = crate::checks::shared_values(keyed);
        assert_eq!(
            shared,
            vec![
                ("anna.eriksson@outlook.com".to_string(), vec![3, 4]),
                ("annaeriksson@gmail.com".to_string(), vec![1, 2]),
            ]
        );
    }

    #[test]
    fn findings_and_json() {
        let e = normalize("Anna.Eriksson+jobs@gmail.com").unwrap();
        let findings = e.findings();
        let checks: Vec<(&str, Outcome)> =
            findings.iter().map(|f| (f.check.as_str(), f.outcome)).collect();
        assert_eq!(
            checks,
            vec![
                ("email.valid", Outcome::Pass),
                ("email.key", Outcome::Info),
                ("email.free_mail", Outcome::Info)
            ]
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["key_rules"][0], serde_json::json!({"rule": "plus_tag", "tag": "jobs"}));
        assert_eq!(json["key_rules"][1], serde_json::json!({"rule": "gmail_dots"}));
        assert_eq!(serde_json::from_value::<NormalizedEmail>(json).unwrap(), e);
    }
}
