//! Stores in temp directories with a fixed clock, the four users of the walk-throughs (names
//! from several scripts, so that every report and listing meets non-ASCII text), vendors,
//! candidates, and a small populated case.

use std::path::Path;

use chrono::NaiveDate;
use tempfile::TempDir;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::checks::mrz::{Sex, Td3Data, compose_td3};
use vetdesk_core::model::{
    CandidateFields, CaseKind, Decision, ItemResult, Priority, Role, Timestamp, VendorFields,
};
use vetdesk_core::store::{Clock, DataDir, Missing, NewCase, OpenMode, Store, StoreError};
use vetdesk_core::verification::Triage;

pub const ADMIN: &str = "ada";
pub const REVIEWER: &str = "rita";
pub const INVESTIGATOR: &str = "ivan";
pub const COMPLIANCE: &str = "cora";

/// The four users: (name, display name, role). The first is the admin who adds the others.
pub const TEAM: [(&str, &str, Role); 4] = [
    (ADMIN, "Ada Admin", Role::Admin),
    (REVIEWER, "Rita Rüdiger", Role::Reviewer),
    (INVESTIGATOR, "Иван Петров", Role::Investigator),
    (COMPLIANCE, "Cora Lindqvist-Ødegård", Role::Compliance),
];

/// The database a fixture store is on: every helper here opens its stores on the backend of
/// the running test ([`with_backend`]; SQLite unless a test says otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

thread_local! {
    static BACKEND: std::cell::Cell<TestBackend> = const { std::cell::Cell::new(TestBackend::Sqlite) };
}

/// The team database of each data directory a PostgreSQL test store was opened in, so that
/// [`reopen`] finds it again.
static TEAM_DATABASES: std::sync::Mutex<Vec<(std::path::PathBuf, String)>> =
    std::sync::Mutex::new(Vec::new());

/// Runs `test` with every fixture store on `backend` (PostgreSQL: a new database in the test
/// binary's shared throwaway cluster for each new store).
pub fn with_backend<T>(backend: TestBackend, test: impl FnOnce() -> T) -> T {
    struct Restore(TestBackend);
    impl Drop for Restore {
        fn drop(&mut self) {
            BACKEND.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(BACKEND.with(|b| b.replace(backend)));
    test()
}

/// The backend of the running test.
pub fn backend() -> TestBackend {
    BACKEND.with(|b| b.get())
}

/// The team database URL of a PostgreSQL test store's data directory.
pub fn team_database_url(dir: &Path) -> Option<String> {
    let known = TEAM_DATABASES.lock().unwrap_or_else(|p| p.into_inner());
    known.iter().find(|(d, _)| d == dir).map(|(_, url)| url.clone())
}

/// Opens a store in `dir` on the running test's backend.
pub fn open_store(dir: &Path, mode: OpenMode, clock: Clock) -> Result<Store, StoreError> {
    match backend() {
        TestBackend::Sqlite => Store::open(DataDir::new(dir), mode, clock),
        TestBackend::Postgres => {
            let url = match (team_database_url(dir), mode) {
                (Some(url), _) => url,
                (None, OpenMode::MustExist) => return Err(StoreError::NoDatabase(dir.into())),
                (None, OpenMode::CreateIfMissing) => {
                    let url = crate::pg::shared().new_database_url();
                    let mut known = TEAM_DATABASES.lock().unwrap_or_else(|p| p.into_inner());
                    known.push((dir.to_path_buf(), url.clone()));
                    url
                }
            };
            Store::open_postgres(DataDir::new(dir), &url, clock)
        }
    }
}

/// Declares each test twice, in a module `on_sqlite` and a module `on_postgres`, the body run
/// with every fixture store on that backend: one suite, the same assertions, both databases.
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* fn $name:ident() $body:block)*) => {
        mod on_sqlite {
            #[allow(unused_imports)]
            use super::*;
            $($(#[$meta])* fn $name() {
                $crate::with_backend($crate::TestBackend::Sqlite, || $body)
            })*
        }
        mod on_postgres {
            #[allow(unused_imports)]
            use super::*;
            $($(#[$meta])* fn $name() {
                $crate::with_backend($crate::TestBackend::Postgres, || $body)
            })*
        }
    };
}

/// When every fixture store starts: 2026-11-02 09:00 UTC.
pub fn t0() -> Timestamp {
    "2026-11-02T09:00:00.000Z".parse().unwrap()
}

/// A new store in a temp dir, with no users yet and a fixed clock the test can move.
pub fn empty_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path(), OpenMode::CreateIfMissing, Clock::fixed(t0())).unwrap();
    (dir, store)
}

/// A store in a temp dir with a fixed clock and the four users.
pub fn team_store() -> (TempDir, Store) {
    team_store_in(tempfile::tempdir().unwrap(), "")
}

/// The same in a given directory, with `config` as its `config.toml`.
pub fn team_store_in(dir: TempDir, config: &str) -> (TempDir, Store) {
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let store = open_store(dir.path(), OpenMode::CreateIfMissing, Clock::fixed(t0())).unwrap();
    add_team(&store);
    (dir, store)
}

/// A store whose team was added at `at` instead of [`t0`]: for a test that writes a history
/// before `t0` (a store never records a time earlier than its last record).
pub fn team_store_from(at: Timestamp) -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path(), OpenMode::CreateIfMissing, Clock::fixed(at)).unwrap();
    add_team(&store);
    (dir, store)
}

/// Opens an existing data directory again, with the fixed clock.
pub fn reopen(dir: &Path) -> Store {
    open_store(dir, OpenMode::MustExist, Clock::fixed(t0())).unwrap()
}

/// Adds the four users of [`TEAM`]; the admin bootstraps and adds the others.
pub fn add_team(store: &Store) {
    for (name, display_name, role) in TEAM {
        let change = Change::AddUser {
            id: None,
            name: name.into(),
            display_name: display_name.into(),
            role,
        };
        store.apply(ADMIN, change).unwrap();
    }
}

/// Moves the store's clock on.
pub fn later(store: &Store, minutes: i64) {
    store.clock().advance(chrono::Duration::minutes(minutes));
}

pub fn vendor_fields(name: &str) -> VendorFields {
    VendorFields {
        name: name.into(),
        contact: "ops@example.com".into(),
        screening_attested: true,
        attestation_note: None,
        last_audit_on: None,
    }
}

/// A candidate with an email made from `external_id`, a phone and a home address.
pub fn candidate_fields(name: &str, external_id: &str) -> CandidateFields {
    CandidateFields {
        external_id: Some(external_id.into()),
        legal_name: name.into(),
        emails: vec![format!("{}@example.com", external_id.to_lowercase())],
        phones: vec!["+1 202 555 0142".into()],
        home_address: Some("1600 Pennsylvania Ave NW, Washington, DC 20500".into()),
        claimed_location: Some("Washington, DC".into()),
        ..CandidateFields::default()
    }
}

/// The id a change was given when it was applied.
fn created_id(change: &Change) -> i64 {
    let value = serde_json::to_value(change).unwrap();
    value["id"].as_i64().unwrap_or_else(|| panic!("no id was given: {change:?}"))
}

/// Adds a vendor as compliance; returns its id.
pub fn add_vendor(store: &Store, vendor: VendorFields) -> i64 {
    let applied = store.apply(COMPLIANCE, Change::AddVendor { id: None, vendor }).unwrap();
    created_id(&applied.change)
}

/// Adds a candidate as the reviewer and opens `case` for them; returns the case id.
pub fn add_candidate_and_case(store: &Store, candidate: CandidateFields, case: NewCase) -> i64 {
    let applied = store.add_candidate(REVIEWER, candidate, Some(case)).unwrap();
    match applied.iter().find(|a| matches!(a.change, Change::OpenCase { .. })) {
        Some(a) => created_id(&a.change),
        None => panic!("expected an opened case, got {applied:?}"),
    }
}

/// Adds a candidate as the reviewer with a pre-hire case assigned to them; returns the case id.
pub fn add_candidate_with_case(
    store: &Store,
    candidate: CandidateFields,
    priority: Priority,
    due_on: Option<NaiveDate>,
) -> i64 {
    let case =
        NewCase { kind: CaseKind::PreHire, assignee: Some(REVIEWER.into()), priority, due_on };
    add_candidate_and_case(store, candidate, case)
}

/// A candidate known only by name, with an unassigned pre-hire case of normal priority;
/// returns the case id.
pub fn case_for(store: &Store, legal_name: &str) -> i64 {
    let candidate = CandidateFields { legal_name: legal_name.into(), ..CandidateFields::default() };
    let case = NewCase {
        kind: CaseKind::PreHire,
        assignee: None,
        priority: Priority::Normal,
        due_on: None,
    };
    add_candidate_and_case(store, candidate, case)
}

/// Adds a reviewer and deactivates them: their past actions stay, new ones are refused.
pub fn add_inactive_user(store: &Store, name: &str) {
    let user = Change::AddUser {
        id: None,
        name: name.into(),
        display_name: name.into(),
        role: Role::Reviewer,
    };
    store.apply(ADMIN, user).unwrap();
    store.apply(ADMIN, Change::SetUserActive { name: name.into(), active: false }).unwrap();
}

/// The four users, a vendor, one candidate with an open pre-hire case; returns the case id.
pub fn populated() -> (TempDir, Store, i64) {
    let (dir, store) = team_store();
    add_vendor(&store, vendor_fields("Acme Staffing"));
    let case_id = add_candidate_with_case(
        &store,
        candidate_fields("Anna Maria Eriksson", "ATS-1"),
        Priority::Normal,
        None,
    );
    (dir, store, case_id)
}

/// Records a checklist result without evidence, returning what the store said.
pub fn try_record(
    store: &Store,
    actor: &str,
    case_id: i64,
    item: &str,
    result: ItemResult,
    note: Option<&str>,
) -> Result<(), vetdesk_core::StoreError> {
    store
        .apply(
            actor,
            Change::RecordResult {
                case_id,
                item_id: item.into(),
                result,
                note: note.map(Into::into),
                evidence: vec![],
            },
        )
        .map(|_| ())
}

/// Records a checklist result.
pub fn record(
    store: &Store,
    actor: &str,
    case_id: i64,
    item: &str,
    result: ItemResult,
    note: Option<&str>,
    evidence: Vec<i64>,
) {
    store
        .apply(
            actor,
            Change::RecordResult {
                case_id,
                item_id: item.into(),
                result,
                note: note.map(Into::into),
                evidence,
            },
        )
        .unwrap();
}

/// Does what clearing a case needs, as compliance: passes every applicable item the decision
/// gate lists (with a note) and acknowledges every open high or critical flag it lists.
pub fn complete_for_clearing(store: &Store, case_id: i64) {
    for _ in 0..4 {
        let gaps = store.decision_gaps(case_id, Decision::Cleared).unwrap();
        if gaps.is_empty() {
            return;
        }
        for gap in gaps {
            match gap {
                Missing::Item { item_id, .. } => record(
                    store,
                    COMPLIANCE,
                    case_id,
                    &item_id,
                    ItemResult::Pass,
                    Some("checked for the test"),
                    vec![],
                ),
                Missing::Flag { flag_id, .. } => {
                    store
                        .apply(
                            COMPLIANCE,
                            Change::TriageFlag {
                                case_id,
                                flag_id,
                                triage: Triage::Acknowledged,
                                reason: Some("seen for the test".into()),
                            },
                        )
                        .unwrap();
                }
                Missing::Grounds => {}
            }
        }
    }
    let left = store.decision_gaps(case_id, Decision::Cleared).unwrap();
    assert!(left.is_empty(), "case {case_id} still cannot be cleared: {left:?}");
}

/// What a rejection or referral of a case may cite now (its failed items and open flags); when
/// there is nothing, fails `application-consistency` as compliance first, so there is.
pub fn grounds_for(store: &Store, case_id: i64) -> Vec<Ground> {
    let citable = |store: &Store| -> Vec<Ground> {
        let moves = store.status_moves(case_id, COMPLIANCE).unwrap();
        moves
            .into_iter()
            .find(|m| m.decision == Some(Decision::Rejected))
            .map(|m| m.citable.into_iter().map(|c| c.ground).collect())
            .unwrap_or_default()
    };
    let found = citable(store);
    if !found.is_empty() {
        return found;
    }
    record(
        store,
        COMPLIANCE,
        case_id,
        "application-consistency",
        ItemResult::Fail,
        Some("failed for the test"),
        vec![],
    );
    citable(store)
}

/// A US passport's machine-readable zone (TD3) with correct check digits, issued to a woman;
/// dates as YYYY-MM-DD.
pub fn td3(number: &str, surname: &str, given: &str, birth: &str, expiry: &str) -> String {
    compose_td3(&Td3Data {
        document_code: "P".into(),
        issuing_state: "USA".into(),
        surname: surname.into(),
        given_names: given.into(),
        document_number: number.into(),
        nationality: "USA".into(),
        birth_date: birth.parse().unwrap(),
        sex: Sex::Female,
        expiry_date: expiry.parse().unwrap(),
        personal_number: String::new(),
    })
    .unwrap()
}
