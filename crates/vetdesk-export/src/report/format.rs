//! How values read in a report: times in UTC to the second, sizes as people write them,
//! people by name and login.

use std::collections::BTreeMap;

use vetdesk_core::model::{Timestamp, User};

/// `2026-11-24 09:30:05 UTC`: stored times are UTC, and a report read in another time zone
/// must not shift them silently.
pub(crate) fn when(at: &Timestamp) -> String {
    at.readable()
}

pub(crate) fn size(bytes: u64) -> String {
    vetdesk_core::evidence::human_bytes(bytes)
}

/// Display names by login, for "Cora Lindqvist (cora)".
#[derive(Clone, Debug, Default)]
pub(crate) struct People(BTreeMap<String, String>);

impl People {
    pub(crate) fn new(users: &[User]) -> People {
        People(users.iter().map(|u| (u.name.clone(), u.display_name.clone())).collect())
    }

    /// The display name with the login, or the login alone when they are the same or the
    /// user is not known (a record can outlive nothing, but stay readable).
    pub(crate) fn name(&self, login: &str) -> String {
        match self.0.get(login) {
            Some(display) if display != login && !display.trim().is_empty() => {
                format!("{display} ({login})")
            }
            _ => login.to_string(),
        }
    }

    pub(crate) fn opt(&self, login: Option<&str>) -> String {
        login.map(|l| self.name(l)).unwrap_or_else(|| "—".to_string())
    }
}

pub(crate) fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.trim().is_empty() => v.to_string(),
        _ => "—".to_string(),
    }
}

pub(crate) fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
}

/// Snake-case values as words: `not_applicable` → `not applicable`.
pub(crate) fn words(value: &str) -> String {
    value.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_written() {
        let at: Timestamp = "2026-11-24T09:30:05.123Z".parse().unwrap();
        assert_eq!(when(&at), "2026-11-24 09:30:05 UTC");
        let users = vec![
            User {
                id: 1,
                name: "cora".into(),
                display_name: "Cora Lindqvist".into(),
                role: vetdesk_core::model::Role::Compliance,
                active: true,
                created_at: at,
                switch_password: false,
            },
            User {
                id: 2,
                name: "ivan".into(),
                display_name: "ivan".into(),
                role: vetdesk_core::model::Role::Investigator,
                active: true,
                created_at: at,
                switch_password: false,
            },
        ];
        let people = People::new(&users);
        // (login, shown as)
        for (login, shown) in
            [("cora", "Cora Lindqvist (cora)"), ("ivan", "ivan"), ("gone", "gone")]
        {
            assert_eq!(people.name(login), shown);
        }
        assert_eq!(people.opt(None), "—");
        assert_eq!(words("not_applicable"), "not applicable");
        assert_eq!(or_dash(Some("  ")), "—");
        assert_eq!(yes_no(None), "not recorded");
    }
}
