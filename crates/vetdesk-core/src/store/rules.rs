//! The rules more than one part of the store applies, and that a UI asks about before it offers
//! an action: which roles may do what, the limits of text fields (candidates' as data), which
//! results a checklist item may take now and why not, and which status moves a case allows.
//! `apply` enforces them; the read API serves them, so the two can never disagree.

use std::collections::HashSet;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::Db;
use super::engine;
use super::tables::{cases, checklist, records};
use super::{Result, StoreError};
use crate::change::Ground;
use crate::checks::{email, phone};
use crate::model::text_enum;
use crate::model::{
    CandidateFields, Case, CaseId, CaseStatus, Decision, Field, ItemResult, ItemState, Role,
    Timestamp, User,
};
use crate::template::Template;
use crate::verification::{EVerifyCase, EVerifyStatus, FlagId, Severity, Triage};

/// Longest free text (notes, reasons, descriptions), in characters.
pub(crate) const MAX_TEXT: usize = 100_000;
/// Longest single-line field (addresses, list entries), in characters.
pub(crate) const MAX_FIELD: usize = 1_000;

pub(crate) const DECIDERS: &[Role] = &[Role::Investigator, Role::Compliance, Role::Admin];
pub(crate) const SIGNERS: &[Role] = &[Role::Compliance, Role::Admin];
const ADMINS: &[Role] = &[Role::Admin];

text_enum! {
    /// What only some roles may do. Everything else (recording results and records, notes,
    /// evidence, candidates, moving an open case along) every active user may do.
    pub enum Action {
        /// Move a case to `decided` (cleared, rejected, referred).
        Decide => "decide",
        /// Close a decided case: the sign-off.
        SignOff => "sign_off",
        /// Move a closed case back to `in_review`.
        Reopen => "reopen",
        /// Record `waived` on a checklist item, or change a failed one.
        Waive => "waive",
        /// Read an open red flag: acknowledged, false positive, confirmed.
        Triage => "triage",
        /// Decide a case over the decision gate, with a reason recorded as an override.
        Override => "override",
        /// Add users, change their roles, deactivate them.
        ManageUsers => "manage_users",
        /// Add and change staffing vendors.
        ManageVendors => "manage_vendors",
        /// Record audits of staffing vendors.
        AuditVendors => "audit_vendors",
        /// Import and remove indicator lists, name VPN providers, keep the VoIP list.
        ManageLists => "manage_lists",
        /// Set the policy values the rules read (the vendor audit interval).
        SetPolicy => "set_policy",
        /// Place and lift legal holds, release referrals, erase people whose retention
        /// period has ended.
        Retention => "retention",
    }
}

impl Action {
    /// The roles that may take this action.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::Decide | Action::ManageLists | Action::Triage => DECIDERS,
            Action::SignOff
            | Action::Reopen
            | Action::Waive
            | Action::Override
            | Action::ManageVendors
            | Action::SetPolicy
            | Action::Retention
            | Action::AuditVendors => SIGNERS,
            Action::ManageUsers => ADMINS,
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

/// What a user may do, as the store enforces it: a UI offers only what will be accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Permissions {
    pub user: String,
    pub role: Role,
    pub decide: bool,
    pub sign_off: bool,
    pub reopen: bool,
    pub waive: bool,
    pub triage: bool,
    pub override_gate: bool,
    pub manage_users: bool,
    pub manage_vendors: bool,
    pub audit_vendors: bool,
    pub manage_lists: bool,
}

impl Permissions {
    pub fn of(user: &User) -> Permissions {
        let may = |action: Action| action.allows(user.role);
        Permissions {
            user: user.name.clone(),
            role: user.role,
            decide: may(Action::Decide),
            sign_off: may(Action::SignOff),
            reopen: may(Action::Reopen),
            waive: may(Action::Waive),
            triage: may(Action::Triage),
            override_gate: may(Action::Override),
            manage_users: may(Action::ManageUsers),
            manage_vendors: may(Action::ManageVendors),
            audit_vendors: may(Action::AuditVendors),
            manage_lists: may(Action::ManageLists),
        }
    }
}

/// Refuses `what` (the words of the refusal, e.g. "waive a checklist item") unless the user's
/// role may take `action`.
pub(crate) fn require(user: &User, action: Action, what: &str) -> Result<()> {
    if action.allows(user.role) {
        Ok(())
    } else {
        Err(StoreError::Forbidden {
            actor: user.name.clone(),
            role: user.role.to_string(),
            action: what.to_string(),
        })
    }
}

// ---- text fields ----

/// Trims a required text field and refuses it empty or longer than `max` characters.
pub(crate) fn required(field: Field, label: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(StoreError::invalid(format!("{label} must not be empty")).at(field));
    }
    refuse_hidden_characters(field, label, value)?;
    if value.chars().count() > max {
        return Err(
            StoreError::invalid(format!("{label} is longer than {max} characters")).at(field)
        );
    }
    Ok(value.to_string())
}

/// Right-to-left and other bidirectional formatting characters: they make text display in
/// another order than it is stored (`invoice\u{202E}gpj.exe` shows as `invoiceexe.jpg`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses control characters (terminal escape sequences among them) and bidirectional
/// formatting characters in typed text; line breaks and tabs stay allowed for notes.
pub(crate) fn refuse_hidden_characters(field: Field, label: &str, value: &str) -> Result<()> {
    let bad = value
        .chars()
        .enumerate()
        .find(|(_, c)| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(*c));
    match bad {
        None => Ok(()),
        Some((at, c)) => Err(StoreError::invalid(format!(
            "{label} contains the invisible character U+{:04X} at position {}; control and \
             text-direction characters are not accepted",
            u32::from(c),
            at + 1
        ))
        .at(field)),
    }
}

/// Trims an optional text field; blank becomes absent.
pub(crate) fn optional(
    field: Field,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => required(field, label, v, max).map(Some),
    }
}

/// Trims every entry, drops blanks and duplicates (ignoring case), keeps the order given.
fn list(field: Field, label: &str, values: &[String], max: usize) -> Result<Vec<String>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        refuse_hidden_characters(field, label, v)?;
        if v.chars().count() > max {
            return Err(StoreError::invalid(format!(
                "{label} entry is longer than {max} characters"
            ))
            .at(field));
        }
        if seen.insert(v.to_lowercase()) {
            out.push(v.to_string());
        }
    }
    Ok(out)
}

/// The limits of one candidate field, as data: what a form checks while typing (the store
/// stays the judge, with the same numbers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldLimit {
    pub field: Field,
    /// How the field is named in refusals ("legal name").
    pub label: String,
    pub required: bool,
    /// Most characters after trimming, counted as Unicode scalar values (what
    /// `[...text].length` counts in TypeScript; `text.length` counts UTF-16 units instead).
    /// For a list, the limit of each entry.
    pub max_chars: u32,
    /// Several values (one per entry); blanks and repeats are dropped.
    pub list: bool,
}

/// (field, label, required, most characters, list): the text fields of a candidate, in the
/// order they are checked.
const CANDIDATE_TEXT: &[(Field, &str, bool, usize, bool)] = &[
    (Field::ExternalId, "external id", false, 200, false),
    (Field::LegalName, "legal name", true, 300, false),
    (Field::OtherNames, "other name", false, MAX_FIELD, true),
    (Field::Emails, "email", false, MAX_FIELD, true),
    (Field::Phones, "phone", false, MAX_FIELD, true),
    (Field::HomeAddress, "home address", false, MAX_FIELD, false),
    (Field::ShippingAddress, "shipping address", false, MAX_FIELD, false),
    (Field::ClaimedLocation, "claimed location", false, MAX_FIELD, false),
    (Field::TimeZone, "time zone", false, 64, false),
    (Field::Role, "role", false, 300, false),
    (Field::ApplicationIp, "IP address", false, 64, false),
];

/// The limits of every text field of a candidate.
pub fn candidate_limits() -> Vec<FieldLimit> {
    CANDIDATE_TEXT
        .iter()
        .map(|&(field, label, required, max, list)| FieldLimit {
            field,
            label: label.to_string(),
            required,
            max_chars: max as u32,
            list,
        })
        .collect()
}

/// One problem of a form, with the field it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldProblem {
    pub field: Field,
    pub message: String,
}

/// Problems found so far, and the fields they are about (one problem per field).
struct Problems {
    found: Vec<StoreError>,
    failed: HashSet<Field>,
}

impl Problems {
    fn limits(field: Field) -> (&'static str, bool, usize) {
        CANDIDATE_TEXT
            .iter()
            .find(|t| t.0 == field)
            .map_or(("value", false, MAX_FIELD), |&(_, label, req, max, _)| (label, req, max))
    }

    fn push(&mut self, field: Field, e: StoreError) {
        self.found.push(e);
        self.failed.insert(field);
    }

    fn text(&mut self, field: Field, value: Option<&str>) -> Option<String> {
        let (label, is_required, max) = Self::limits(field);
        let checked = if is_required {
            required(field, label, value.unwrap_or(""), max).map(Some)
        } else {
            optional(field, label, value, max)
        };
        checked.unwrap_or_else(|e| {
            self.push(field, e);
            value.map(str::to_string)
        })
    }

    fn entries(&mut self, field: Field, values: &[String]) -> Vec<String> {
        let (label, _, max) = Self::limits(field);
        list(field, label, values, max).unwrap_or_else(|e| {
            self.push(field, e);
            values.to_vec()
        })
    }

    /// Checks the form of a field whose length passed.
    fn form(&mut self, field: Field, bad: Option<String>) {
        if let Some(message) = bad.filter(|_| !self.failed.contains(&field)) {
            self.push(field, StoreError::invalid(message).at(field));
        }
    }
}

/// Tidies candidate fields (trims, drops blank and repeated list entries) and lists every
/// problem the store would refuse them for that needs no database: in the order the store
/// checks, so the first one is the refusal `apply` gives.
pub(crate) fn tidy_candidate(
    c: &CandidateFields,
    at: &Timestamp,
) -> (CandidateFields, Vec<StoreError>) {
    let mut p = Problems { found: Vec::new(), failed: HashSet::new() };
    let fields = CandidateFields {
        external_id: p.text(Field::ExternalId, c.external_id.as_deref()),
        legal_name: p.text(Field::LegalName, Some(&c.legal_name)).unwrap_or_default(),
        other_names: p.entries(Field::OtherNames, &c.other_names),
        emails: p.entries(Field::Emails, &c.emails),
        phones: p.entries(Field::Phones, &c.phones),
        home_address: p.text(Field::HomeAddress, c.home_address.as_deref()),
        shipping_address: p.text(Field::ShippingAddress, c.shipping_address.as_deref()),
        claimed_location: p.text(Field::ClaimedLocation, c.claimed_location.as_deref()),
        time_zone: p.text(Field::TimeZone, c.time_zone.as_deref()),
        role: p.text(Field::Role, c.role.as_deref()),
        vendor_id: c.vendor_id,
        applied_on: c.applied_on,
        application_ip: p.text(Field::ApplicationIp, c.application_ip.as_deref()),
    };
    // The checks' own readers are the rule, so that the form, the CLI and an import refuse
    // the same spellings, each with the checker's reason.
    let bad_email = fields.emails.iter().find_map(|e| {
        email::normalize(e).err().map(|why| format!("email {e:?} is not an email address ({why})"))
    });
    p.form(Field::Emails, bad_email);
    let bad_phone = fields.phones.iter().find_map(|n| phone_problem(n));
    p.form(Field::Phones, bad_phone);
    let bad_ip = fields.application_ip.as_ref().filter(|ip| ip.parse::<IpAddr>().is_err());
    p.form(
        Field::ApplicationIp,
        bad_ip.map(|ip| format!("IP address {ip:?} is not an IPv4 or IPv6 address")),
    );
    let bad_zone = fields.time_zone.as_ref().filter(|tz| !looks_like_time_zone(tz));
    p.form(
        Field::TimeZone,
        bad_zone.map(|tz| {
            format!("time zone {tz:?} is not an IANA time zone name such as America/Chicago")
        }),
    );
    let future = fields.applied_on.filter(|d| *d > at.date());
    p.form(Field::AppliedOn, future.map(|d| format!("application date {d} is in the future")));
    (fields, p.found)
}

fn looks_like_time_zone(tz: &str) -> bool {
    tz == "UTC"
        || (tz.contains('/') && tz.chars().all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c)))
}

/// Why a typed phone number cannot be one: unreadable, or too short or too long for its
/// country (a North American number has ten digits after the +1; "555-0199" is a local part).
fn phone_problem(text: &str) -> Option<String> {
    let n = match phone::normalize(text) {
        Ok(n) => n,
        Err(why) => return Some(format!("phone {text:?} is not a phone number ({why})")),
    };
    let digits = n.e164.len().saturating_sub(1);
    let expected = if n.e164.starts_with("+1") { 11..=11 } else { 8..=15 };
    (!expected.contains(&digits)).then(|| {
        format!(
            "phone {text:?} has {digits} digits with its country code ({}); a number of its \
             country has {}",
            n.e164,
            if n.e164.starts_with("+1") { "11 (+1 and ten)".to_string() } else { "8 to 15".into() }
        )
    })
}

/// A login-style user name: lowercase letter first, then a-z, 0-9, '.', '_' or '-'.
pub(crate) fn valid_user_name(name: &str) -> Result<String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(name.to_string())
    } else {
        Err(StoreError::invalid(format!(
            "user name {name:?} must start with a lowercase letter and use only a-z, 0-9, '.', '_' or '-' (at most 64)"
        ))
        .at(Field::Name))
    }
}

// ---- cases ----

/// A closed case takes no writes until a compliance officer reopens it.
pub(crate) fn refuse_closed(case: &Case) -> Result<()> {
    if case.status == CaseStatus::Closed {
        return Err(StoreError::conflict(format!(
            "case {} is closed; a compliance officer must reopen it (status in_review) first",
            case.id
        )));
    }
    Ok(())
}

/// Which status moves are allowed, and who may make them.
pub(crate) fn check_transition(user: &User, case: &Case, to: CaseStatus) -> Result<()> {
    use CaseStatus::*;
    let from = case.status;
    let allowed = matches!(
        (from, to),
        (Open, InReview | Escalated | Decided)
            | (InReview, Open | Escalated | Decided)
            | (Escalated, InReview | Decided)
            | (Decided, InReview | Closed)
            | (Closed, InReview)
    );
    if !allowed {
        return Err(StoreError::conflict(format!(
            "case {} cannot move from {from} to {to}",
            case.id
        )));
    }
    match to {
        Decided => require(user, Action::Decide, "decide a case"),
        Closed => require(user, Action::SignOff, "close (sign off) a case"),
        InReview if from == Closed => require(user, Action::Reopen, "reopen a closed case"),
        // A decision is undone only by reopening, by someone who may decide.
        InReview if from == Decided => require(user, Action::Decide, "reopen a decided case"),
        _ => Ok(()),
    }
}

/// Four eyes: whoever made a decision may not also sign it off, for the decisions the policy
/// names (`four_eyes_*`: on by default for rejections and referrals).
pub(crate) fn check_four_eyes(db: &dyn Db, user: &User, case: &Case, to: CaseStatus) -> Result<()> {
    if to != CaseStatus::Closed || case.status != CaseStatus::Decided {
        return Ok(());
    }
    let (Some(decision), Some(decided_by)) = (case.decision, case.decided_by.as_deref()) else {
        return Ok(());
    };
    let key = crate::change::PolicyKey::four_eyes(decision);
    if decided_by == user.name && super::tables::policy::value(db, key)? == 1 {
        return Err(StoreError::Forbidden {
            actor: user.name.clone(),
            role: user.role.to_string(),
            action: format!(
                "sign off case {} ({decision}): four eyes, the person who decided a case may not also sign it off; another compliance officer or admin must (policy {key})",
                case.id
            ),
        });
    }
    Ok(())
}

// ---- checklist results ----

/// A result a checklist item could take now, and why the store would refuse it for the user
/// asking (`None` when it would be accepted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ResultOption {
    pub result: ItemResult,
    pub refused: Option<String>,
    /// Accepted only with a note saying why (a waiver, not applicable).
    pub needs_note: bool,
}

/// Every result of one checklist item, as `ResultOption`s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemOptions {
    pub item_id: String,
    pub options: Vec<ResultOption>,
}

/// Whether `result` may be recorded on `item_id` of `case` by `user`, given the current
/// results of the case's items (`state_of`): the rules of `apply` but the evidence check.
/// Each refusal is the error `apply` gives, in the order it checks.
pub(crate) fn check_result(
    user: &User,
    case: &Case,
    template: &Template,
    state_of: &mut dyn FnMut(&str) -> Result<ItemResult>,
    item_id: &str,
    result: ItemResult,
    note: Option<&str>,
) -> Result<()> {
    let Some(item) = template.item(item_id) else {
        return Err(StoreError::invalid(format!(
            "case {} has no checklist item {item_id:?} (see `vetdesk check list {}`)",
            case.id, case.id
        ))
        .at(Field::ItemId));
    };
    if result == ItemResult::Waived {
        require(user, Action::Waive, "waive a checklist item")?;
        if note.is_none() {
            return Err(StoreError::invalid(format!(
                "waiving {item_id} needs a reason: give it as the note"
            ))
            .at(Field::Note));
        }
    }
    if result == ItemResult::NotApplicable && note.is_none() {
        return Err(StoreError::invalid(format!(
            "marking {item_id} not applicable needs a reason: give it as the note"
        ))
        .at(Field::Note));
    }
    // A failure is a finding: only compliance takes it back (re-checked, waived, not applicable).
    if result != ItemResult::Fail && state_of(item_id)? == ItemResult::Fail {
        require(user, Action::Waive, &format!("change the failed item {item_id}"))?;
    }
    // A result that claims the check was run needs its prerequisites passed first.
    let claims_run = matches!(result, ItemResult::Pass | ItemResult::Fail | ItemResult::Waived);
    if claims_run && !item.item.requires.is_empty() {
        let mut missing = Vec::new();
        for required in &item.item.requires {
            let state = state_of(required)?;
            if state != ItemResult::Pass {
                missing.push(format!("{required} ({state})"));
            }
        }
        if !missing.is_empty() {
            return Err(StoreError::conflict(
                format!(
                    "{item_id} cannot be recorded yet: {} must pass first. {}",
                    missing.join(", "),
                    item.item.requires_reason.as_deref().unwrap_or("")
                )
                .trim_end()
                .to_string(),
            ));
        }
    }
    // And a prerequisite cannot be taken back while a result rests on it.
    if result != ItemResult::Pass {
        for dependent in template.items().filter(|r| r.item.requires.iter().any(|x| x == item_id)) {
            let state = state_of(&dependent.item.id)?;
            if matches!(state, ItemResult::Pass | ItemResult::Fail | ItemResult::Waived) {
                return Err(StoreError::conflict(format!(
                    "{item_id} cannot change to {result}: the recorded result of {} ({state}) rests on it",
                    dependent.item.id
                )));
            }
        }
    }
    Ok(())
}

/// The options of every item of a case, in checklist order, from the results recorded now.
pub(crate) fn result_options(
    user: &User,
    case: &Case,
    template: &Template,
    states: &[(String, ItemResult)],
) -> Result<Vec<ItemOptions>> {
    let closed = refuse_closed(case).err().map(|e| e.to_string());
    let mut state_of = |id: &str| -> Result<ItemResult> {
        Ok(states.iter().find(|(item, _)| item == id).map_or(ItemResult::Pending, |(_, r)| *r))
    };
    let mut out = Vec::with_capacity(states.len());
    for (item_id, _) in states {
        let mut options = Vec::with_capacity(ItemResult::ALL.len());
        for &result in ItemResult::ALL {
            let needs_note = matches!(result, ItemResult::Waived | ItemResult::NotApplicable);
            let refused = match &closed {
                Some(reason) => Some(reason.clone()),
                None => {
                    let note = needs_note.then_some("(the note the user will give)");
                    match check_result(user, case, template, &mut state_of, item_id, result, note) {
                        Ok(()) => None,
                        Err(
                            e @ (StoreError::Conflict { .. }
                            | StoreError::Forbidden { .. }
                            | StoreError::Invalid { .. }),
                        ) => Some(e.to_string()),
                        Err(e) => return Err(e),
                    }
                }
            };
            options.push(ResultOption { result, refused, needs_note });
        }
        out.push(ItemOptions { item_id: item_id.clone(), options });
    }
    Ok(out)
}

/// The case a write goes to: it must exist and not be closed.
pub(crate) fn open_case(db: &dyn Db, id: CaseId) -> Result<Case> {
    let case = cases::get(db, id)?.ok_or_else(|| StoreError::no_case(db, id))?;
    refuse_closed(&case)?;
    Ok(case)
}

// ---- decisions ----

/// One thing a decision lacks, as a status dialog lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Missing {
    /// An applicable item of a phase the case has reached that is not done (pending), or that
    /// failed.
    Item { item_id: String, title: String, phase: String, result: ItemResult },
    /// An open flag of high or critical severity that no person has triaged, or that was
    /// confirmed (a confirmed flag counts against clearing).
    Flag {
        flag_id: FlagId,
        rule: String,
        title: String,
        severity: Severity,
        triage: Option<Triage>,
    },
    /// A rejection or referral must cite at least one failed item or open flag.
    Grounds,
}

impl Missing {
    pub fn describe(&self) -> String {
        match self {
            Missing::Item { item_id, result, .. } => format!("{item_id} ({result})"),
            Missing::Flag { flag_id, rule, severity, triage, .. } => match triage {
                Some(t) => format!("flag {flag_id} {rule} ({severity}, {t})"),
                None => format!("flag {flag_id} {rule} ({severity}, not triaged)"),
            },
            Missing::Grounds => "a failed item or open flag cited as grounds".to_string(),
        }
    }
}

/// Something a rejection or referral may cite, with how to show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Citable {
    pub ground: Ground,
    pub label: String,
}

/// A status a case could move to next (with the decision, for `decided`), and why the store
/// would refuse the move for the user asking; `None` when it would accept it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusMove {
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub refused: Option<String>,
    /// What the decision gate finds missing (empty when it is satisfied or not asked).
    pub missing: Vec<Missing>,
    /// The user may make the move anyway with an override reason (compliance, admin).
    pub may_override: bool,
    /// For a rejection or referral: the failed items and open flags it may cite.
    pub citable: Vec<Citable>,
}

/// Every status move from the case's current status, each with the reason it would be refused
/// for this user (none when it would be accepted): the rules `apply` applies, asked before the
/// change is made so that a UI can offer only what the store will take.
pub(crate) fn status_moves(
    db: &dyn Db,
    user: &User,
    case: &Case,
    at: &Timestamp,
) -> Result<Vec<StatusMove>> {
    let mut moves = Vec::new();
    let citable = citable(db, case)?;
    for &status in CaseStatus::ALL.iter().filter(|s| **s != case.status) {
        let decisions: Vec<Option<Decision>> = if status == CaseStatus::Decided {
            Decision::ALL.iter().copied().map(Some).collect()
        } else {
            vec![None]
        };
        for decision in decisions {
            let cites: Vec<Ground> = match decision {
                Some(Decision::Rejected | Decision::Referred) => {
                    citable.iter().map(|c| c.ground.clone()).collect()
                }
                _ => Vec::new(),
            };
            let missing = match decision {
                Some(d) => decision_gaps(db, case, d, &cites)?,
                None => Vec::new(),
            };
            let verdict = check_transition(user, case, status)
                .and_then(|()| check_four_eyes(db, user, case, status))
                .and_then(|()| check_decision(db, user, case, decision, &cites, None, at));
            let refused = match verdict {
                Ok(()) => None,
                Err(e @ (StoreError::Conflict { .. } | StoreError::Forbidden { .. })) => {
                    Some(e.to_string())
                }
                Err(e) => return Err(e),
            };
            let may_override = !missing.is_empty()
                && Action::Override.allows(user.role)
                && check_transition(user, case, status).is_ok();
            let citable = if cites.is_empty() { Vec::new() } else { citable.clone() };
            moves.push(StatusMove { status, decision, refused, missing, may_override, citable });
        }
    }
    Ok(moves)
}

/// The failed items and open flags (not read as false positives) a rejection may cite.
fn citable(db: &dyn Db, case: &Case) -> Result<Vec<Citable>> {
    let template = crate::template::get(&case.template_id, case.template_version)?;
    let mut out = Vec::new();
    for s in checklist::item_states(db, case.id)? {
        if s.result == ItemResult::Fail {
            let title = template.item(&s.item_id).map_or("", |r| r.item.title.as_str());
            out.push(Citable {
                label: format!("failed item {}: {title}", s.item_id),
                ground: Ground::Item(s.item_id),
            });
        }
    }
    for f in records::open_flags(db, case.id)? {
        if f.counts() {
            out.push(Citable {
                label: format!("{} flag {}: {}", f.fields.severity, f.id, f.fields.title),
                ground: Ground::Flag(f.id),
            });
        }
    }
    // The report given with a pre-adverse notice; whether its wait is over is the decision's
    // check (`check_decision`), so the dialog can say when.
    // (Only the recorded notice is read here; the day matters to the next-step text alone.)
    if let Some(p) = super::tables::adverse::state(db, case.id, chrono::NaiveDate::MIN)?.pre_notice
    {
        out.push(Citable {
            label: format!(
                "background report by {} (pre-adverse-action notice of {}; decision allowed from {})",
                p.agency.name, p.sent_on, p.decide_from
            ),
            ground: Ground::BackgroundReport,
        });
    }
    Ok(out)
}

/// Whether each item of a case applies to it now, in checklist order: the item's own
/// declaration (case kind, vendor present) and the phase having been reached.
pub(crate) fn applicability(
    db: &dyn Db,
    case: &Case,
    states: &[ItemState],
) -> Result<Vec<(String, bool)>> {
    let template = crate::template::get(&case.template_id, case.template_version)?;
    let has_vendor = super::tables::candidates::get(db, case.candidate_id)?
        .is_some_and(|c| c.fields.vendor_id.is_some());
    let recorded =
        |id: &str| states.iter().any(|s| s.item_id == id && s.result != ItemResult::Pending);
    Ok(template
        .applicable(case.kind, has_vendor, &recorded)
        .into_iter()
        .map(|(r, applies)| (r.item.id.clone(), applies))
        .collect())
}

/// The items of a case that count for its progress and its decision gate, with their states,
/// titles and phases: the applicable items of the phases the case has reached, in checklist
/// order.
pub(crate) fn applicable_items(
    db: &dyn Db,
    case: &Case,
) -> Result<Vec<(ItemState, String, String)>> {
    let template = crate::template::get(&case.template_id, case.template_version)?;
    let states = checklist::item_states(db, case.id)?;
    let applies = applicability(db, case, &states)?;
    let mut out = Vec::new();
    for r in template.items() {
        if !applies.iter().any(|(id, yes)| *yes && id == &r.item.id) {
            continue;
        }
        if let Some(state) = states.iter().find(|s| s.item_id == r.item.id) {
            out.push((state.clone(), r.item.title.clone(), r.phase.id.clone()));
        }
    }
    Ok(out)
}

/// What the decision gate finds missing for `decision` on `case`, citing `grounds`:
///
/// - clearing needs every applicable item of the phases reached done (pass, not applicable
///   with a reason, or waived by compliance; a failed item counts against it) and every open
///   flag of high or critical severity triaged by a person (acknowledged or false positive; a
///   confirmed one counts against it);
/// - rejecting or referring needs at least one failed item or open flag cited.
pub(crate) fn decision_gaps(
    db: &dyn Db,
    case: &Case,
    decision: Decision,
    grounds: &[Ground],
) -> Result<Vec<Missing>> {
    let mut missing = Vec::new();
    match decision {
        Decision::Cleared => {
            for (state, title, phase) in applicable_items(db, case)? {
                if matches!(state.result, ItemResult::Pending | ItemResult::Fail) {
                    missing.push(Missing::Item {
                        item_id: state.item_id,
                        title,
                        phase,
                        result: state.result,
                    });
                }
            }
            for f in records::open_flags(db, case.id)? {
                let settled =
                    matches!(f.triage, Some(Triage::Acknowledged | Triage::FalsePositive));
                if f.fields.severity >= Severity::High && !settled {
                    missing.push(Missing::Flag {
                        flag_id: f.id,
                        rule: f.fields.rule,
                        title: f.fields.title,
                        severity: f.fields.severity,
                        triage: f.triage,
                    });
                }
            }
        }
        Decision::Rejected | Decision::Referred => {
            if grounds.is_empty() {
                missing.push(Missing::Grounds);
            }
        }
    }
    Ok(missing)
}

/// Checks the grounds a decision cites: each a failed item or an open flag of the case that is
/// not read as a false positive; a clearance cites none.
pub(crate) fn check_grounds(
    db: &dyn Db,
    case: &Case,
    decision: Decision,
    grounds: &[Ground],
) -> Result<()> {
    if decision == Decision::Cleared {
        if grounds.is_empty() {
            return Ok(());
        }
        return Err(StoreError::invalid(
            "a clearance cites no grounds; grounds go with a rejection or referral",
        )
        .at(Field::Grounds));
    }
    let citable = citable(db, case)?;
    for ground in grounds {
        if !citable.iter().any(|c| &c.ground == ground) {
            let what = match ground {
                Ground::Item(id) => format!("item {id} has not failed on case {}", case.id),
                Ground::Flag(id) => format!("flag {id} is not an open flag of case {}", case.id),
                Ground::BackgroundReport => format!(
                    "case {} has no pre-adverse-action notice, so no background report to cite",
                    case.id
                ),
            };
            return Err(StoreError::invalid(format!(
                "{what}: only failed items and open flags can be cited"
            ))
            .at(Field::Grounds));
        }
    }
    Ok(())
}

/// What a decision needs beyond the role: the decision gate (which compliance may override
/// with a reason), and for a rejection, more than a non-final E-Verify result.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_decision(
    db: &dyn Db,
    user: &User,
    case: &Case,
    decision: Option<Decision>,
    grounds: &[Ground],
    override_reason: Option<&str>,
    at: &Timestamp,
) -> Result<()> {
    let Some(decision) = decision else {
        return Ok(());
    };
    // The law's rules first: no override lifts them.
    if decision == Decision::Rejected {
        check_can_reject(db, case, at)?;
    }
    if grounds.contains(&Ground::BackgroundReport) {
        check_can_cite(db, case.id, at)?;
    }
    let missing = decision_gaps(db, case, decision, grounds)?;
    match (missing.is_empty(), override_reason) {
        (true, None) => {}
        (true, Some(_)) => {
            return Err(StoreError::invalid(format!(
                "case {} can be {decision} without an override: nothing is missing",
                case.id
            ))
            .at(Field::OverrideReason));
        }
        (false, Some(_)) => {
            require(user, Action::Override, "decide a case over the decision gate")?
        }
        (false, None) => {
            let list: Vec<String> = missing.iter().map(Missing::describe).collect();
            let verb = match decision {
                Decision::Cleared => "cleared",
                Decision::Rejected => "rejected",
                Decision::Referred => "referred",
            };
            return Err(StoreError::conflict(format!(
                "case {} cannot be {verb}: missing {}: {}; complete them, or have compliance decide with an override reason",
                case.id,
                missing.len(),
                list.join(", ")
            )));
        }
    }
    Ok(())
}

/// No adverse action before a final nonconfirmation (E-Verify User Manual, MOU): a `rejected`
/// decision is refused when it could rest only on a non-final E-Verify result. Precisely, it is
/// refused when all of these hold:
///
/// 1. the case has an E-Verify case whose current status is not final (anything but employment
///    authorized, final nonconfirmation or closed), and none with a final nonconfirmation;
/// 2. no checklist item other than `e-verify` has failed;
/// 3. no open flag of severity high or critical other than the E-Verify deadline flags, with
///    the rules evaluated at the time of the decision.
///
/// A rejection with other recorded grounds (a failed item, a serious flag) stands on those.
fn check_can_reject(db: &dyn Db, case: &Case, at: &Timestamp) -> Result<()> {
    let everify = records::of::<EVerifyCase>(db, case.id)?;
    if everify.iter().any(|e| e.fields.status == EVerifyStatus::FinalNonconfirmation) {
        return Ok(());
    }
    let Some(pending) = everify.iter().find(|e| !e.fields.status.is_final()) else {
        return Ok(());
    };
    let failed_elsewhere = checklist::item_states(db, case.id)?
        .iter()
        .any(|s| s.result == ItemResult::Fail && s.item_id != "e-verify");
    if failed_elsewhere {
        return Ok(());
    }
    let serious = engine::evaluate_now(db, case, at)?
        .into_iter()
        .any(|f| f.severity >= Severity::High && !f.rule.starts_with("everify."));
    if serious {
        return Ok(());
    }
    Err(StoreError::conflict(format!(
        "case {} cannot be rejected on E-Verify case {} alone: its result is {} (not final), and no other check failed and no serious flag is open. No adverse action may be taken before a final nonconfirmation; record the other grounds, or wait for the final result",
        case.id,
        pending.fields.case_number,
        pending.fields.status.as_str().replace('_', " ")
    )))
}

/// A decision citing the background report needs the pre-adverse notice and the wait over.
pub(crate) fn check_can_cite(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<()> {
    let today = at.date();
    match super::tables::adverse::state(db, case_id, today)?.pre_notice {
        None => Err(StoreError::conflict(format!(
            "case {case_id} cannot be decided on the background report: no pre-adverse-action notice was given; record one first (vetdesk adverse-action pre-notice {case_id} …)"
        ))
        .at(Field::Grounds)),
        Some(p) if today < p.decide_from => Err(StoreError::conflict(format!(
            "case {case_id} cannot be decided on the background report before {}: the waiting period of {} business days after the pre-adverse-action notice of {} runs to {}",
            p.decide_from, p.wait_days, p.sent_on, p.wait_ends_on
        ))
        .at(Field::Grounds)),
        Some(_) => Ok(()),
    }
}

/// Checklist items that must have passed before an E-Verify case may be recorded.
pub const EVERIFY_PREREQUISITES: [&str; 2] = ["offer-accepted", "form-i9-complete"];

/// E-Verify may be used only for a new hire who accepted the offer and completed Form I-9.
pub(crate) fn check_everify_allowed(db: &dyn Db, case: &Case) -> Result<()> {
    let mut missing = Vec::new();
    for item in EVERIFY_PREREQUISITES {
        let state = checklist::item_state(db, case.id, item)?.unwrap_or(ItemResult::Pending);
        if state != ItemResult::Pass {
            missing.push(format!("{item} ({state})"));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(StoreError::conflict(format!(
            "case {}: an E-Verify case cannot be recorded before {} passed; E-Verify may only be used for a new hire who accepted the offer and completed Form I-9, never to pre-screen applicants",
            case.id,
            missing.join(" and ")
        ))
        .at(Field::Prerequisites))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User {
            id: 1,
            name: "u".into(),
            display_name: "U".into(),
            role,
            active: true,
            created_at: Timestamp::now(),
            switch_password: false,
        }
    }

    /// One row per role: what the UI may offer each.
    #[test]
    fn permissions_follow_the_role_table() {
        #[rustfmt::skip]
        let table: &[(Role, [bool; 10])] = &[
            //                  decide sign  reopen waive users vendors audits lists triage override
            (Role::Reviewer,     [false, false, false, false, false, false, false, false, false, false]),
            (Role::Investigator, [true,  false, false, false, false, false, false, true,  true,  false]),
            (Role::Compliance,   [true,  true,  true,  true,  false, true,  true,  true,  true,  true ]),
            (Role::Admin,        [true,  true,  true,  true,  true,  true,  true,  true,  true,  true ]),
        ];
        for (role, expected) in table {
            let p = Permissions::of(&user(*role));
            let got = [
                p.decide,
                p.sign_off,
                p.reopen,
                p.waive,
                p.manage_users,
                p.manage_vendors,
                p.audit_vendors,
                p.manage_lists,
                p.triage,
                p.override_gate,
            ];
            assert_eq!(&got, expected, "{role}");
            assert_eq!(p.role, *role);
        }
    }

    #[test]
    fn candidate_limits_count_characters_not_bytes() {
        let at = Timestamp::now();
        for limit in candidate_limits() {
            let max = limit.max_chars as usize;
            // "é" is two bytes and one character: at the limit it is accepted, one more is not.
            let at_limit = "é".repeat(max);
            let over = "é".repeat(max + 1);
            let with = |value: &str| {
                let mut c = CandidateFields { legal_name: "A".into(), ..Default::default() };
                let v = value.to_string();
                match limit.field {
                    Field::ExternalId => c.external_id = Some(v),
                    Field::LegalName => c.legal_name = v,
                    Field::OtherNames => c.other_names = vec![v],
                    Field::Emails => c.emails = vec![v],
                    Field::Phones => c.phones = vec![v],
                    Field::HomeAddress => c.home_address = Some(v),
                    Field::ShippingAddress => c.shipping_address = Some(v),
                    Field::ClaimedLocation => c.claimed_location = Some(v),
                    Field::TimeZone => c.time_zone = Some(v),
                    Field::Role => c.role = Some(v),
                    Field::ApplicationIp => c.application_ip = Some(v),
                    other => panic!("no candidate field {other}"),
                }
                tidy_candidate(&c, &at).1
            };
            let long = |problems: &[StoreError]| {
                problems
                    .iter()
                    .any(|p| p.field() == Some(limit.field) && p.to_string().contains("longer"))
            };
            assert!(!long(&with(&at_limit)), "{}: {max} characters must be accepted", limit.field);
            assert!(long(&with(&over)), "{}: {} characters must be refused", limit.field, max + 1);
        }
    }

    #[test]
    fn every_problem_of_a_candidate_is_listed_in_the_order_apply_checks() {
        let at: Timestamp = "2026-11-02T09:00:00.000Z".parse().unwrap_or_else(|_| Timestamp::now());
        let c = CandidateFields {
            legal_name: " ".into(),
            emails: vec!["a@b.example".into(), "nope".into()],
            phones: vec!["12".into()],
            time_zone: Some("Chicago".into()),
            application_ip: Some("300.1.1.1".into()),
            applied_on: chrono::NaiveDate::from_ymd_opt(2027, 1, 1),
            role: Some("x".repeat(301)),
            ..Default::default()
        };
        let (_, problems) = tidy_candidate(&c, &at);
        let fields: Vec<Field> = problems.iter().filter_map(StoreError::field).collect();
        assert_eq!(
            fields,
            [
                Field::LegalName,
                Field::Role,
                Field::Emails,
                Field::Phones,
                Field::ApplicationIp,
                Field::TimeZone,
                Field::AppliedOn
            ]
        );
        assert_eq!(problems[0].to_string(), "legal name must not be empty");
        assert!(
            problems[2].to_string().starts_with("email \"nope\" is not an email address ("),
            "{}",
            problems[2]
        );
        let good = CandidateFields {
            legal_name: " Jane  ".into(),
            emails: vec![" a@b.example ".into(), "A@B.example".into(), String::new()],
            ..Default::default()
        };
        let (tidy, problems) = tidy_candidate(&good, &at);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(tidy.legal_name, "Jane");
        assert_eq!(tidy.emails, ["a@b.example"]);
    }

    /// The form, the CLI and an import share one reading of emails and phones: the checks'.
    #[test]
    fn emails_and_phones_are_judged_by_the_checks_readers() {
        let at: Timestamp = "2026-11-02T09:00:00.000Z".parse().unwrap_or_else(|_| Timestamp::now());
        let judged = |email: &str, phone: &str| -> Vec<Field> {
            let c = CandidateFields {
                legal_name: "Ana Silva".into(),
                emails: vec![email.into()],
                phones: vec![phone.into()],
                ..Default::default()
            };
            tidy_candidate(&c, &at).1.iter().filter_map(StoreError::field).collect()
        };
        let cases: &[(&str, &str, &[Field])] = &[
            ("ana.silva@example.com", "+1 646 555 0199", &[]),
            ("ana.silva@example.com", "(646) 555-0199", &[]),
            ("ana.silva@example.com", "+44 20 7946 0958", &[]),
            ("ana.silva@example", "+1 646 555 0199", &[Field::Emails]),
            ("ana silva@example.com", "+1 646 555 0199", &[Field::Emails]),
            ("ana.silva@example.com", "555-0199", &[Field::Phones]),
            ("ana.silva@example.com", "+1 646 555 01999", &[Field::Phones]),
            ("ana.silva@example.com", "call me", &[Field::Phones]),
        ];
        for (email, phone, expected) in cases {
            assert_eq!(judged(email, phone), *expected, "{email:?} {phone:?}");
        }
    }
}
