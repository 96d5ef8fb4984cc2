//! Checklist templates: versioned data files under `assets/templates/`, embedded in the binary.
//! A case records the template id and version it was opened with; a published version is never
//! edited, a change is a new version, so a case's checklist reads the same forever.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::CaseKind;

/// When a phase, section or item applies to a case; absent, it always does. A phase's or
/// section's declaration covers everything in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Applies {
    /// Only on cases of these kinds (empty: every kind).
    #[serde(default)]
    pub kinds: Vec<CaseKind>,
    /// `true`: only when the candidate came through a staffing vendor; `false`: only when not.
    #[serde(default)]
    pub vendor: Option<bool>,
}

impl Applies {
    pub fn holds(&self, kind: CaseKind, has_vendor: bool) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && self.vendor.is_none_or(|v| v == has_vendor)
    }
}

/// Every template version ever published, in the order they were published.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "assets/templates/remote-it-worker-v1.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/templates/remote-it-worker-v1.toml"
        )),
    ),
    (
        "assets/templates/remote-it-worker-v2.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/templates/remote-it-worker-v2.toml"
        )),
    ),
    (
        "assets/templates/remote-it-worker-v3.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/templates/remote-it-worker-v3.toml"
        )),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template {file}: {message}")]
    Parse { file: String, message: String },
    #[error("template {file}: {message}")]
    Invalid { file: String, message: String },
    #[error("no template {id} version {version}")]
    NotFound { id: String, version: u32 },
    #[error("no template with id {0}")]
    UnknownId(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub description: String,
    /// The documents items cite, by id.
    pub sources: Vec<Source>,
    pub phases: Vec<Phase>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// Full title, publisher and date, as a reader would cite it.
    pub title: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// `pre_offer`, `onboarding` or `post_hire`.
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub applies_when: Option<Applies>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub applies_when: Option<Applies>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable within the template id across versions; what `check set CASE ITEM` takes.
    pub id: String,
    /// What to check, in one line.
    pub title: String,
    /// How to do it and what to look for.
    pub guidance: String,
    /// Id of an entry of `sources`.
    pub source: String,
    /// Where in the source: the heading or recommendation the item comes from.
    pub source_ref: String,
    /// Items that must have passed before this one may be recorded (other than pending or
    /// not applicable), with the reason shown when they have not.
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub requires_reason: Option<String>,
    #[serde(default)]
    pub applies_when: Option<Applies>,
}

/// A template's item, with where it sits.
#[derive(Clone, Copy, Debug)]
pub struct ItemRef<'a> {
    pub phase: &'a Phase,
    pub section: &'a Section,
    pub item: &'a Item,
}

impl ItemRef<'_> {
    /// Whether the item applies to a case of `kind` whose candidate has (or has not) a vendor,
    /// by its own declaration and those of its section and phase.
    pub fn applies(&self, kind: CaseKind, has_vendor: bool) -> bool {
        [&self.phase.applies_when, &self.section.applies_when, &self.item.applies_when]
            .into_iter()
            .flatten()
            .all(|a| a.holds(kind, has_vendor))
    }
}

impl Template {
    pub fn items(&self) -> impl Iterator<Item = ItemRef<'_>> {
        self.phases.iter().flat_map(|phase| {
            phase.sections.iter().flat_map(move |section| {
                section.items.iter().map(move |item| ItemRef { phase, section, item })
            })
        })
    }

    /// How many phases a case has reached: a pre-hire case is in the last phase with any item
    /// recorded (pre-offer until then); any other case is in all of them.
    pub fn phases_reached(&self, kind: CaseKind, recorded: &dyn Fn(&str) -> bool) -> usize {
        if kind != CaseKind::PreHire {
            return self.phases.len();
        }
        let any =
            |phase: &Phase| phase.sections.iter().flat_map(|s| &s.items).any(|i| recorded(&i.id));
        self.phases.iter().rposition(any).unwrap_or(0) + 1
    }

    /// Whether each item applies to a case now, in checklist order: the item's declaration
    /// (case kind, vendor present) and its phase reached. `recorded` says whether an item has
    /// a result other than pending. The one rule for the checklist, the queue's progress and
    /// the decision gate.
    pub fn applicable(
        &self,
        kind: CaseKind,
        has_vendor: bool,
        recorded: &dyn Fn(&str) -> bool,
    ) -> Vec<(ItemRef<'_>, bool)> {
        let reached = &self.phases[..self.phases_reached(kind, recorded).min(self.phases.len())];
        self.items()
            .map(|r| {
                let applies =
                    reached.iter().any(|p| p.id == r.phase.id) && r.applies(kind, has_vendor);
                (r, applies)
            })
            .collect()
    }

    pub fn item(&self, id: &str) -> Option<ItemRef<'_>> {
        self.items().find(|r| r.item.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    fn validate(&self, file: &str) -> Result<(), TemplateError> {
        let invalid = |message: String| TemplateError::Invalid { file: file.to_string(), message };
        if self.id.is_empty() || self.title.is_empty() {
            return Err(invalid("id and title must not be empty".into()));
        }
        let sources: HashSet<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (position, r) in self.items().enumerate() {
            let item = r.item;
            if item.id.is_empty()
                || !item
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(invalid(format!(
                    "item id {:?} must be lowercase letters, digits and '-'",
                    item.id
                )));
            }
            if seen.insert(&item.id, position).is_some() {
                return Err(invalid(format!("item id {} is used twice", item.id)));
            }
            if item.title.trim().is_empty() || item.guidance.trim().is_empty() {
                return Err(invalid(format!("item {} needs a title and guidance", item.id)));
            }
            if !sources.contains(item.source.as_str()) || item.source_ref.trim().is_empty() {
                return Err(invalid(format!(
                    "item {} must cite one of the template's sources, with a source_ref",
                    item.id
                )));
            }
            for required in &item.requires {
                // A prerequisite must come earlier in the checklist, which also rules out cycles.
                if !seen.contains_key(required.as_str()) || required == &item.id {
                    return Err(invalid(format!(
                        "item {} requires {}, which is not an earlier item",
                        item.id, required
                    )));
                }
            }
            if !item.requires.is_empty() && item.requires_reason.is_none() {
                return Err(invalid(format!(
                    "item {} has requires but no requires_reason",
                    item.id
                )));
            }
        }
        if seen.is_empty() {
            return Err(invalid("a template needs at least one item".into()));
        }
        Ok(())
    }
}

/// All embedded templates, parsed and validated once.
pub fn catalog() -> Result<&'static [Template], TemplateError> {
    static CATALOG: OnceLock<Result<Vec<Template>, String>> = OnceLock::new();
    let parsed = CATALOG.get_or_init(|| {
        EMBEDDED
            .iter()
            .map(|(file, text)| {
                let template: Template = toml::from_str(text).map_err(|e| {
                    TemplateError::Parse { file: file.to_string(), message: e.to_string() }
                })?;
                template.validate(file)?;
                Ok(template)
            })
            .collect::<Result<Vec<_>, TemplateError>>()
            .map_err(|e| e.to_string())
    });
    match parsed {
        Ok(templates) => Ok(templates),
        Err(message) => {
            Err(TemplateError::Invalid { file: "embedded".into(), message: message.clone() })
        }
    }
}

/// One exact version, as a case that was opened with it needs.
pub fn get(id: &str, version: u32) -> Result<&'static Template, TemplateError> {
    catalog()?
        .iter()
        .find(|t| t.id == id && t.version == version)
        .ok_or_else(|| TemplateError::NotFound { id: id.to_string(), version })
}

/// The newest version of a template, as a new case gets.
pub fn latest(id: &str) -> Result<&'static Template, TemplateError> {
    catalog()?
        .iter()
        .filter(|t| t.id == id)
        .max_by_key(|t| t.version)
        .ok_or_else(|| TemplateError::UnknownId(id.to_string()))
}

/// The template new pre-hire cases are opened with.
pub const DEFAULT_TEMPLATE: &str = "remote-it-worker";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_parse_and_validate() {
        let templates = catalog().unwrap();
        assert!(!templates.is_empty());
        let t = latest(DEFAULT_TEMPLATE).unwrap();
        assert!(t.items().count() > 0);
    }

    fn tiny(items: &str) -> Result<(), TemplateError> {
        let text = format!(
            r#"id = "t"
version = 1
title = "T"
description = "d"
[[sources]]
id = "s"
title = "S"
[[phases]]
id = "pre_offer"
title = "P"
description = "d"
[[phases.sections]]
id = "sec"
title = "Sec"
{items}"#
        );
        let t: Template = toml::from_str(&text)
            .map_err(|e| TemplateError::Parse { file: "test".into(), message: e.to_string() })?;
        t.validate("test")
    }

    #[test]
    fn validation_refuses_what_would_break_cases() {
        let item = |id: &str, source: &str, requires: &str| {
            format!(
                "[[phases.sections.items]]\nid = \"{id}\"\ntitle = \"t\"\nguidance = \"g\"\nsource = \"{source}\"\nsource_ref = \"r\"\nrequires = [{requires}]\nrequires_reason = \"why\"\n"
            )
        };
        assert!(tiny(&(item("a", "s", "") + &item("b", "s", "\"a\""))).is_ok());
        let cases = [
            (item("a", "s", "") + &item("a", "s", ""), "used twice"),
            (item("a", "nope", ""), "must cite"),
            (item("a", "s", "\"b\"") + &item("b", "s", ""), "not an earlier item"),
            (item("a", "s", "\"a\""), "not an earlier item"),
            (item("Bad Id", "s", ""), "lowercase"),
        ];
        for (text, expected) in cases {
            let err = tiny(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} should mention {expected}");
        }
    }

    /// The traceability table from the source documents to the items of the v1 template.
    const CONTROLS_MD: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/controls.md"));

    /// Item ids named in the last column of every table row of docs/controls.md, one entry per
    /// row (header and separator rows excluded), so that a row citing no item is visible too.
    fn traced_rows(markdown: &str) -> Vec<(usize, Vec<&str>)> {
        markdown
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim_start().starts_with('|'))
            .filter_map(|(index, line)| {
                let last = line.trim().trim_end_matches('|').rsplit('|').next()?.trim();
                if last == "Items" || last.chars().all(|c| c == '-' || c == ' ') {
                    return None;
                }
                let ids = last.split('`').skip(1).step_by(2).collect();
                Some((index + 1, ids))
            })
            .collect()
    }

    #[test]
    fn v1_phases_and_eligibility_order() {
        let t = get(DEFAULT_TEMPLATE, 1).unwrap();
        let phases: Vec<&str> = t.phases.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(phases, ["pre_offer", "onboarding", "post_hire"]);

        // (item, phase it must sit in, items it must require before it can be recorded)
        let rows: &[(&str, &str, &[&str])] = &[
            ("offer-accepted", "onboarding", &[]),
            ("form-i9-complete", "onboarding", &["offer-accepted"]),
            ("e-verify", "onboarding", &["offer-accepted", "form-i9-complete"]),
        ];
        for (id, phase, required) in rows {
            let r = t.item(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(r.phase.id, *phase, "{id} is in the wrong phase");
            for needed in *required {
                assert!(r.item.requires.iter().any(|x| x == needed), "{id} must require {needed}");
            }
        }
        let reason = t.item("e-verify").unwrap().item.requires_reason.clone().unwrap();
        assert!(reason.contains("pre-screen"), "the E-Verify reason must explain pre-screening");
    }

    #[test]
    fn v2_is_v1_with_applicability_declared() {
        let (v1, v2) = (get(DEFAULT_TEMPLATE, 1).unwrap(), get(DEFAULT_TEMPLATE, 2).unwrap());
        let ids = |t: &Template| t.items().map(|r| r.item.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(v1), ids(v2));
        // (item, kind, has a vendor, applies)
        let rows = [
            ("vendor-audit", CaseKind::PreHire, false, false),
            ("vendor-audit", CaseKind::PreHire, true, true),
            ("reviewer-trained", CaseKind::PreHire, false, true),
            ("security-team-handoff", CaseKind::PreHire, false, true),
        ];
        for (id, kind, vendor, expected) in rows {
            assert_eq!(
                v2.item(id).unwrap().applies(kind, vendor),
                expected,
                "{id} {kind} {vendor}"
            );
            assert!(v1.item(id).unwrap().applies(kind, vendor), "v1 declares nothing");
        }
        let post = v2.items().find(|r| r.phase.id == "post_hire").unwrap();
        assert!(!post.applies(CaseKind::PreHire, false));
        assert!(post.applies(CaseKind::Reverification, false));
    }

    #[test]
    fn v3_is_v2_with_post_hire_items_on_monitoring_cases() {
        let (v2, v3) = (get(DEFAULT_TEMPLATE, 2).unwrap(), get(DEFAULT_TEMPLATE, 3).unwrap());
        let ids = |t: &Template| t.items().map(|r| r.item.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(v2), ids(v3));
        assert_eq!(latest(DEFAULT_TEMPLATE).unwrap().version, 3);
        for r in v3.items() {
            // Only the monitoring kind is added, and only to the post-hire phase.
            for kind in CaseKind::ALL.iter().filter(|k| **k != CaseKind::Monitoring) {
                for vendor in [false, true] {
                    assert_eq!(
                        r.applies(*kind, vendor),
                        v2.item(&r.item.id).unwrap().applies(*kind, vendor),
                        "{} {kind} {vendor}",
                        r.item.id
                    );
                }
            }
            let expected = r.phase.id == "post_hire"
                || v2.item(&r.item.id).unwrap().applies(CaseKind::Monitoring, false);
            assert_eq!(r.applies(CaseKind::Monitoring, false), expected, "{}", r.item.id);
        }
        assert!(v3.item("periodic-reverification").unwrap().applies(CaseKind::Monitoring, false));
        assert!(v3.item("day-one-identity-match").unwrap().applies(CaseKind::Monitoring, false));
    }

    #[test]
    fn v1_cites_every_source_with_a_url() {
        let t = get(DEFAULT_TEMPLATE, 1).unwrap();
        for source in &t.sources {
            assert!(t.items().any(|r| r.item.source == source.id), "{} is never cited", source.id);
            let url = source.url.as_deref().unwrap_or("");
            assert!(url.starts_with("https://"), "{} needs an https URL", source.id);
        }
    }

    #[test]
    fn controls_md_and_v1_items_match() {
        let t = get(DEFAULT_TEMPLATE, 1).unwrap();
        let rows = traced_rows(CONTROLS_MD);
        assert!(rows.len() > 40, "docs/controls.md tables were not found");
        let mut traced = HashSet::new();
        for (line, ids) in &rows {
            assert!(!ids.is_empty(), "docs/controls.md line {line} names no item");
            for id in ids {
                assert!(t.item(id).is_some(), "docs/controls.md line {line}: no item {id}");
                traced.insert(*id);
            }
        }
        for r in t.items() {
            assert!(
                traced.contains(r.item.id.as_str()),
                "{} is not in docs/controls.md",
                r.item.id
            );
        }
    }

    #[test]
    fn traced_rows_reads_only_the_items_column() {
        let md = "| A | B | Items |\n| --- | --- | --- |\n| x `no` | y | `a` `b` |\n| z | w | none |\ntext `c`\n";
        assert_eq!(traced_rows(md), vec![(3, vec!["a", "b"]), (4, vec![])]);
    }
}
