//! The apply path, by area: `resolve` checks a change against the current state and the
//! actor's role and fills in the ids it creates; `write` writes what a resolved change means.
//! The two are separate so that `verify` can replay recorded changes through the very same
//! `write_effects` into an empty database and compare. Each area module (users, vendors,
//! candidates, cases, verification records, lists, flags, employees) holds both halves for its changes.

mod adverse;
mod applied;
mod candidates;
mod cases;
mod checkpoints;
mod employees;
mod flags;
mod lists;
mod policy;
mod retention;
mod users;
mod vendors;
mod verification;

use std::collections::BTreeSet;

pub use adverse::check_agency;
pub(crate) use adverse::{check_notice, check_pre_notice};
pub use applied::{Applied, RaisedFlag, Recorded};
pub(crate) use applied::{cleared_by, raised_by};
pub(crate) use candidates::{candidate_conflicts, check_candidate};
pub use lists::MAX_IP_LIST_ROWS;

use super::db::Db;
use super::tables::{audit, users as user_table};
use super::{Result, StoreError, derived, engine};
use crate::change::Change;
use crate::model::{CaseId, Field, Role, Timestamp, User};

/// What resolving a change needs besides the database: where the evidence files are. Policy
/// values the rules read are in the database (`tables::policy`), never in a file.
pub(crate) struct Context {
    pub files: crate::evidence::EvidenceFiles,
    /// The retention periods of `config.toml` (`[retention]`), which an erasure is checked
    /// against.
    pub retention: crate::checks::retention::RetentionPolicy,
}

/// The changes of each area: one list for both dispatches below, still checked for
/// exhaustiveness by the compiler.
macro_rules! area {
    (users) => {
        Change::AddUser { .. }
            | Change::SetUserRole { .. }
            | Change::SetUserActive { .. }
            | Change::SetSwitchPassword { .. }
    };
    (vendors) => {
        Change::AddVendor { .. } | Change::UpdateVendor { .. } | Change::RecordVendorAudit { .. }
    };
    (candidates) => {
        Change::AddCandidate { .. }
            | Change::UpdateCandidate { .. }
            | Change::CandidateChanged { .. }
    };
    (cases) => {
        Change::OpenCase { .. }
            | Change::AssignCase { .. }
            | Change::SetPriority { .. }
            | Change::SetDueDate { .. }
            | Change::SetStatus { .. }
            | Change::RecordResult { .. }
            | Change::AttachEvidence { .. }
            | Change::AddNote { .. }
            | Change::RecordDisclosure { .. }
    };
    (verification) => {
        Change::RecordDocument { .. }
            | Change::UpdateDocument { .. }
            | Change::RecordInterview { .. }
            | Change::SetReachableHours { .. }
            | Change::RecordEVerify { .. }
            | Change::UpdateEVerify { .. }
            | Change::AddReference { .. }
            | Change::UpdateReference { .. }
            | Change::RecordPayment { .. }
            | Change::RecordObservedIp { .. }
    };
    (lists) => {
        Change::ImportIpList { .. }
            | Change::RemoveIpList { .. }
            | Change::AddVpnProvider { .. }
            | Change::RemoveVpnProvider { .. }
            | Change::AddVoipEntry { .. }
            | Change::RemoveVoipEntry { .. }
    };
    (flags) => {
        Change::FlagRaised { .. } | Change::FlagCleared { .. } | Change::TriageFlag { .. }
    };
    (checkpoints) => {
        Change::RecordCheckpoint { .. }
    };
    (policy) => {
        Change::SetPolicy { .. }
    };
    (employees) => {
        Change::Hire { .. } | Change::SetTermination { .. } | Change::ImportTelemetry { .. }
    };
    (retention) => {
        Change::ErasePerson { .. }
            | Change::SetLegalHold { .. }
            | Change::ReleaseReferral { .. }
            | Change::RecordPersonExport { .. }
    };
    (adverse) => {
        Change::RecordPreAdverseNotice { .. } | Change::RecordAdverseNotice { .. }
    };
}

thread_local! {
    /// The acting user of a bulk write in progress on this thread (`SameActor`): `None` when
    /// none is in progress, `Some(None)` until the user is first read.
    static ACTING: std::cell::RefCell<Option<Option<User>>> =
        const { std::cell::RefCell::new(None) };
}

/// While it lives, the user a bulk write acts as is read once, not again for every change (an
/// import applies two changes per row). Only for writes that change no user: an import.
pub(crate) struct SameActor(());

impl SameActor {
    pub(crate) fn start() -> SameActor {
        ACTING.with(|a| *a.borrow_mut() = Some(None));
        SameActor(())
    }

    fn user(name: &str) -> Option<User> {
        ACTING.with(|a| a.borrow().clone().flatten().filter(|u| u.name == name))
    }

    /// Kept only while a bulk write is in progress, and only an active account.
    fn keep(user: &User) {
        ACTING.with(|a| {
            if let Some(kept) = a.borrow_mut().as_mut()
                && user.active
            {
                *kept = Some(user.clone());
            }
        });
    }
}

impl Drop for SameActor {
    fn drop(&mut self) {
        ACTING.with(|a| *a.borrow_mut() = None);
    }
}

/// The user a change is applied as. The very first user of an empty store adds themself.
pub(crate) fn acting_user(db: &dyn Db, actor: &str, change: &Change) -> Result<User> {
    if let Some(user) = SameActor::user(actor) {
        return Ok(user);
    }
    if let Some(user) = user_table::get(db, actor)? {
        SameActor::keep(&user);
        if !user.active {
            return Err(StoreError::Forbidden {
                actor: user.name,
                role: user.role.to_string(),
                action: "act: the account is deactivated".into(),
            });
        }
        return Ok(user);
    }
    if user_table::count(db)? == 0 {
        if let Change::AddUser { name, display_name, role, .. } = change
            && name == actor
        {
            if *role != Role::Admin {
                return Err(StoreError::invalid(format!(
                        "the first user must be an admin (given role {role}); add {name} with --role admin"
                    ))
                    .at(Field::Role));
            }
            return Ok(User {
                id: 0,
                name: name.clone(),
                display_name: display_name.clone(),
                role: Role::Admin,
                active: true,
                created_at: Timestamp::now(),
                switch_password: false,
            });
        }
        return Err(StoreError::invalid(
            "there are no users yet: add the first one, an admin, with `vetdesk user add NAME --role admin`",
        ));
    }
    Err(StoreError::UnknownActor(actor.to_string()))
}

/// Checks a change and fills in the ids it creates. Reads only.
pub(crate) fn resolve(
    db: &dyn Db,
    user: &User,
    at: &Timestamp,
    ctx: &Context,
    change: Change,
) -> Result<Change> {
    match change {
        c @ area!(users) => users::resolve(db, user, c),
        c @ area!(vendors) => vendors::resolve(db, user, at, c),
        c @ area!(candidates) => candidates::resolve(db, at, c),
        c @ area!(cases) => cases::resolve(db, user, at, ctx, c),
        c @ area!(verification) => verification::resolve(db, at, c),
        c @ area!(lists) => lists::resolve(db, user, c),
        c @ area!(flags) => flags::resolve(db, user, c),
        c @ area!(checkpoints) => checkpoints::resolve(db, user, c),
        c @ area!(policy) => policy::resolve(db, user, c),
        c @ area!(employees) => employees::resolve(db, user, c),
        c @ area!(retention) => retention::resolve(db, user, at, ctx, c),
        c @ area!(adverse) => adverse::resolve_step(db, user, at, c),
    }
}

/// Writes what a resolved change means. Used by `apply` and, unchanged, by `verify`'s replay.
pub(crate) fn write_effects(
    db: &dyn Db,
    at: &Timestamp,
    actor: &str,
    change: &Change,
) -> Result<()> {
    match change {
        area!(users) => users::write(db, at, change),
        area!(vendors) => vendors::write(db, at, actor, change),
        area!(candidates) => candidates::write(db, at, change),
        area!(cases) => cases::write(db, at, actor, change),
        area!(verification) => verification::write(db, at, actor, change),
        area!(lists) => lists::write(db, at, actor, change),
        area!(flags) => flags::write(db, at, actor, change),
        area!(checkpoints) => checkpoints::write(change),
        area!(policy) => policy::write(db, at, actor, change),
        area!(employees) => employees::write(db, at, actor, change),
        area!(retention) => retention::write(db, at, change),
        area!(adverse) => adverse::write(db, at, change),
    }
}

/// A refusal of input, about `field`.
fn refused(field: Field, message: impl Into<String>) -> StoreError {
    StoreError::invalid(message).at(field)
}

/// A recorded change whose id should have been filled in, and was not.
fn missing_id(change: &Change) -> StoreError {
    StoreError::Corrupt(format!("a recorded {} change has no id", change.kind()))
}

/// A change handed to the wrong area (a bug of the dispatch above).
fn not_mine(area: &str, change: &Change) -> StoreError {
    StoreError::Corrupt(format!("{} is not a {area} change", change.kind()))
}

/// Checks, writes and records one change inside the caller's transaction, then brings the
/// flags of every case it can affect up to date (each flag change recorded in its case's
/// chain, as the same user, in the same transaction).
pub(crate) fn apply_one(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    change: Change,
) -> Result<Applied> {
    let (mut applied, watched) =
        apply_deferring_flags(db, ctx, actor, at, change, NewPartners::Now)?;
    applied.flags = reflag_cases(db, ctx, &applied.record.actor, at, watched)?;
    Ok(applied)
}

/// When the cases linked to a new candidate are looked up (see `apply_deferring_flags`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewPartners {
    /// Right after the candidate is written: they are among the cases answered.
    Now,
    /// By the caller, once for all the candidates a batch adds (`engine::watch_added`): one
    /// query for an import instead of one per row.
    Later,
}

/// As `apply_one`, but leaves the flags to the caller: it answers the cases whose flags the
/// change may affect, for a batch of many changes (an import) to re-evaluate each once at its
/// end, inside the same transaction. Re-evaluating per change would record a flag raised,
/// superseded and raised again for every member of a ring as each new member arrives.
pub(crate) fn apply_deferring_flags(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    change: Change,
    partners: NewPartners,
) -> Result<(Applied, BTreeSet<CaseId>)> {
    let acting = acting_user(db, actor, &change)?;
    let resolved = resolve(db, &acting, at, ctx, change)?;
    // The change as JSON once: for the erasure check and for its record.
    let value = serde_json::to_value(&resolved)?;
    refuse_if_erased(db, &resolved, &value)?;
    // Cases whose flags the change may touch, asked before the write (a value being
    // replaced) and after it (the new value); flag changes themselves touch nothing.
    // A new candidate has no identifiers in the database yet, so nobody shares one with them
    // before the write: only the cases after it can change.
    let mut watched = match resolved {
        Change::AddCandidate { .. } => BTreeSet::new(),
        _ => engine::watch(db, &resolved)?,
    };
    let in_cases = candidates::case_records(db, &resolved)?;
    write_effects(db, at, &acting.name, &resolved)?;
    derived::after_change(db, at, &resolved)?;
    let record = audit::append(db, resolved.chain(), at, &acting.name, value)?;
    tracing::debug!(kind = resolved.kind(), chain = %record.chain, seq = record.seq, "applied");
    if !(partners == NewPartners::Later && matches!(resolved, Change::AddCandidate { .. })) {
        watched.extend(engine::watch(db, &resolved)?);
    }
    let mut cases = Vec::new();
    for change in in_cases {
        let (applied, more) = apply_deferring_flags(db, ctx, &acting.name, at, change, partners)?;
        watched.extend(more);
        cases.push(applied);
    }
    Ok((Applied { change: resolved, record, cases, flags: Vec::new() }, watched))
}

/// Nothing more is recorded about an erased person but what the store itself records (flags
/// that no longer hold) and disclosures of what is left.
fn refuse_if_erased(db: &dyn Db, change: &Change, value: &serde_json::Value) -> Result<()> {
    if change.is_internal()
        || matches!(change, Change::RecordDisclosure { .. } | Change::ErasePerson { .. })
    {
        return Ok(());
    }
    let candidate = match change {
        // The case is not written yet: its candidate is in the change.
        Change::OpenCase { candidate_id, .. } => Some(*candidate_id),
        _ => audit::concerned(db, change.chain(), value)?,
    };
    if let Some(candidate) = candidate
        && audit::is_erased(db, candidate)?
    {
        return Err(StoreError::conflict(format!(
            "candidate {candidate} is erased: nothing more is recorded about them"
        )));
    }
    Ok(())
}

/// As `reflag_cases`, for the many cases of a batch (an import's end): what their facts share
/// is read once for all of them (`engine::BatchFacts`).
pub(crate) fn reflag_batch(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    cases: impl IntoIterator<Item = CaseId>,
) -> Result<Vec<Applied>> {
    let batch = engine::BatchFacts::read(db)?;
    let mut flags = Vec::new();
    for case_id in cases {
        for flag_change in engine::reflag_in(db, case_id, at, Some(&batch))? {
            flags.push(apply_one(db, ctx, actor, at, flag_change)?);
        }
    }
    Ok(flags)
}

/// Brings the open flags of `cases` in line with their facts at `at`, recording each flag
/// raised or cleared as a change of its own (as `actor`).
pub(crate) fn reflag_cases(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    cases: impl IntoIterator<Item = CaseId>,
) -> Result<Vec<Applied>> {
    let mut flags = Vec::new();
    for case_id in cases {
        for flag_change in engine::reflag(db, case_id, at)? {
            flags.push(apply_one(db, ctx, actor, at, flag_change)?);
        }
    }
    Ok(flags)
}
